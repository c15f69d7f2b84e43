"""Publishing the late tables: preview a month as the public will see it, publish, correct."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app import outbox
from app.audit import Actor
from app.db import get_session
from app.late import review, store, tables
from app.late.rules import Month
from app.models import Agency, Case, PublishedMonth
from app.routes.admin import bp, current_account, require


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError:
        abort(404)


@bp.get("/months")
@require("editor")
def months():
    """Months with resolved files, and whether each is published."""
    db = get_session()
    finished = db.execute(select(func.min(Case.finished_at), func.max(Case.finished_at))).one()
    published = {m.month: m for m in tables.published_months(db)}
    candidates = []
    if finished[0]:
        first, last = Month.of(finished[0].date()), Month.of(finished[1].date())
        candidates = [str(m) for m in reversed(first.through(last))]
    return render_template("admin/months.html", candidates=candidates, published=published)


# A month can have tens of thousands of late files: the preview shows the latest of each list.
SHOWN = 200


@bp.get("/months/<month>")
@require("editor")
def month_preview(month):
    """The month's figures and late files computed now, what changed since it was published, and
    whether it looks incomplete."""
    return _preview(month)


@bp.post("/months/<month>")
@require("editor")
def month_publish(month):
    """Publish the month, or publish a correction with its public note, once the editor confirms."""
    db = get_session()
    note = request.form.get("note", "").strip()[:2000] or None
    if request.form.get("confirm") != "1":
        return _preview(month, note=note, error=_("Hãy đánh dấu ô xác nhận trước khi công bố.")), 422
    try:
        result = store.publish_month(db, _month(month), Actor.of(current_account()), note=note)
    except store.PublishError as exc:
        db.rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin.month_preview", month=month), 303)
    if result.changed:
        db.commit()
        outbox.wake(current_app._get_current_object())  # the subscribers' mails
        flash(_("Đã công bố tháng %(month)s (lần %(n)s).", month=month, n=result.revision))
    else:
        flash(_("Số liệu không thay đổi; không công bố lại."))
    return redirect(url_for("admin.month_preview", month=month), 303)


def _preview(month: str, note: str | None = None, error: str | None = None) -> str:
    db = get_session()
    period = _month(month)
    figures = store.compute_month(db, period)
    published = db.scalar(select(PublishedMonth).where(PublishedMonth.month == month))
    stored = store.stored_figures(db, period) if published is not None else None
    officers = {**(stored.officers if stored else {}), **figures.officers}
    resolved, received = review.month_activity(db, period)
    return render_template(
        "admin/month_preview.html",
        month=month,
        figures=figures,
        names=dict(db.execute(select(Agency.id, Agency.name)).tuples().all()),
        published=published,
        changed=stored is not None and not store.same_figures(stored, figures),
        changes=review.compare(stored, figures) if stored else None,
        officer_names={code: o.officer_name for code, o in officers.items()},
        files=review.by_days_late(figures.files.values()),
        completeness=review.completeness(period, resolved, received),
        shown=SHOWN,
        note=note,
        error=error,
    )
