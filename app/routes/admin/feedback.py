"""The feedback queue and one feedback's page: assign, mark, answer, publish."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app import outbox
from app.db import get_session
from app.feedback import queue as queue_ops
from app.feedback import service
from app.feedback.codes import MARKS, FeedbackStatus
from app.models import Agency, by_code
from app.params import BadParameter, Page, int_param
from app.routes._render import render_page
from app.routes.admin import bp, current_account


def _days() -> int:
    return current_app.config["FEEDBACK_ANSWER_DAYS"]


@bp.get("/feedback")
def feedback_queue():
    """Feedback the signed-in person may handle, filtered by status, agency and overdue."""
    db = get_session()
    account = current_account()
    status = request.args.get("status") or queue_ops.OPEN_ITEMS
    if status not in (queue_ops.OPEN_ITEMS, queue_ops.ALL_ITEMS) and not FeedbackStatus.has(status):
        raise BadParameter("status", status, ", ".join([queue_ops.OPEN_ITEMS, queue_ops.ALL_ITEMS, *FeedbackStatus]))
    agency = by_code(db, Agency, request.args.get("agency"))
    number = int_param(request.args, "page", 1, 1, 100000)
    per_page = current_app.config["PER_PAGE"]
    items, total = queue_ops.queue(
        db, account, _days(), status, agency, request.args.get("overdue") == "1", page=number, per_page=per_page
    )
    page = Page(items, total, number, per_page)
    timely = queue_ops.timeliness(db, _days(), account)
    return render_page(
        "admin/feedback_queue.html",
        "queue",
        page=page,
        timely=timely,
        days=_days(),
        agencies=service.selectable_agencies(db),
        args=request.args.to_dict(),
        status=status,
    )


def _load(code: str):
    db = get_session()
    feedback = service.find_feedback(db, code)
    if feedback is None:
        abort(404)
    account = current_account()  # never None here: anonymous visitors were sent to the login
    if account is None or not queue_ops.may_see(account, feedback):
        abort(403)
    return db, feedback


@bp.get("/feedback/<code>")
def feedback_item(code):
    db, feedback = _load(code)
    return render_template(
        "admin/feedback_item.html",
        feedback=feedback,
        due=queue_ops.due_date(db, feedback, _days()),
        agencies=service.selectable_agencies(db),
    )


@bp.post("/feedback/<code>")
def feedback_act(code):
    """One action on a feedback, named by the button pressed."""
    db, feedback = _load(code)
    account = current_account()
    action = request.form.get("action")
    try:
        if action == "assign":
            agency = by_code(db, Agency, request.form.get("agency_code"))
            if request.form.get("agency_code") and agency is None:
                raise service.FeedbackError(_("Không có cơ quan mã này."))
            queue_ops.assign(db, account, feedback, agency)
        elif action in MARKS:
            queue_ops.mark(db, account, feedback, action, request.form.get("note", "").strip()[:2000] or None)
        elif action == "answer":
            queue_ops.answer(
                db, account, feedback, request.form.get("answer", "")[:10000], request.form.get("publish") == "1"
            )
        elif action == "correct":
            queue_ops.correct(db, account, feedback, request.form.get("answer", "")[:10000])
        elif action in ("publish", "unpublish"):
            queue_ops.set_published(db, account, feedback, action == "publish")
        else:
            abort(400)
    except queue_ops.NotAllowed:
        db.rollback()
        abort(403)
    except service.FeedbackError as exc:
        db.rollback()
        return render_template(
            "admin/feedback_item.html",
            feedback=feedback,
            error=str(exc),
            due=queue_ops.due_date(db, feedback, _days()),
            agencies=service.selectable_agencies(db),
            typed=request.form,
        ), 422
    db.commit()
    outbox.wake(current_app._get_current_object())
    flash(_("Đã lưu."))
    return redirect(url_for("admin.feedback_item", code=feedback.tracking_code), 303)
