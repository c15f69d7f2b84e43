"""Moderating rating comments: a comment is published once approved, or hidden with a reason; the
scores count at once either way."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.db import get_session
from app.feedback import service, stats
from app.models import Rating
from app.params import BadParameter, Page, int_param
from app.routes.admin import bp, current_account, get_or_404, require

PER_PAGE = 50


# The moderation queue's views: comments waiting, published, hidden.
VIEWS = ("pending", "approved", "hidden")


@bp.get("/ratings")
@require("editor")
def ratings():
    """Rating comments to moderate: the ones waiting first (oldest first), or those published or
    hidden (latest first)."""
    db = get_session()
    view = request.args.get("view") or "pending"
    if view not in VIEWS:
        raise BadParameter("view", view, ", ".join(VIEWS))
    number = int_param(request.args, "page", 1, 1, 100000)
    query = select(Rating).where(Rating.comment.is_not(None))
    if view == "pending":
        query = query.where(Rating.comment_approved.is_(False), Rating.comment_hidden.is_(False))
        order = (Rating.created_at, Rating.id)
    else:
        query = query.where(
            Rating.comment_hidden.is_(view == "hidden"), Rating.comment_approved.is_(view == "approved")
        )
        order = (Rating.created_at.desc(), Rating.id.desc())
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.scalars(
        query.options(selectinload(Rating.agency)).order_by(*order).limit(PER_PAGE).offset((number - 1) * PER_PAGE)
    )
    waiting = stats.waiting_comments(db)
    return render_template(
        "admin/ratings.html",
        page=Page(list(rows), total, number, PER_PAGE),
        view=view,
        views=VIEWS,
        waiting=waiting,
        args=request.args.to_dict(),
    )


@bp.post("/ratings/<int(max=2147483647):rating_id>")
@require("editor")
def rating_hide(rating_id):
    """Approve a comment (it is published) or hide it with a reason."""
    db = get_session()
    rating = get_or_404(Rating, rating_id)
    action = request.form.get("action")
    if action == "show":  # a hidden comment shown again is an approved one
        action = "approve"
    if action not in service.COMMENT_ACTIONS:
        abort(400)
    try:
        service.moderate_comment(
            db, current_account(), rating, action, request.form.get("reason", "").strip()[:500] or None
        )
    except service.FeedbackError:
        flash(_("Hãy ghi lý do ẩn góp ý."), "error")
        return redirect(url_for("admin.ratings", view=request.form.get("view") or None), 303)
    db.commit()
    flash(_("Đã lưu."))
    return redirect(url_for("admin.ratings", view=request.form.get("view") or None), 303)
