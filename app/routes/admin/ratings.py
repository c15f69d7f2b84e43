"""Moderating rating comments: hide an abusive one with a reason; its scores still count."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.db import get_session
from app.feedback import service
from app.models import Rating
from app.routes.admin import bp, current_account, get_or_404, require

PER_PAGE = 50


@bp.get("/ratings")
@require("editor")
def ratings():
    """The latest ratings with a comment."""
    db = get_session()
    rows = db.scalars(
        select(Rating)
        .where(Rating.comment.is_not(None))
        .order_by(Rating.created_at.desc(), Rating.id.desc())
        .limit(PER_PAGE)
    )
    return render_template("admin/ratings.html", ratings=list(rows))


@bp.post("/ratings/<int(max=2147483647):rating_id>")
@require("editor")
def rating_hide(rating_id):
    db = get_session()
    rating = get_or_404(Rating, rating_id)
    try:
        service.set_comment_hidden(
            db,
            current_account(),
            rating,
            request.form.get("action") == "hide",
            request.form.get("reason", "").strip()[:500] or None,
        )
    except service.FeedbackError:
        flash(_("Hãy ghi lý do ẩn góp ý."), "error")
        return redirect(url_for("admin.ratings"), 303)
    db.commit()
    flash(_("Đã lưu."))
    return redirect(url_for("admin.ratings"), 303)
