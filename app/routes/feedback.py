"""Feedback: the form, the tracking page, and the published questions and answers."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.catalogue.listing import procedures_named
from app.clock import local_now
from app.db import Busy, commit_patiently, get_session
from app.feedback import queue, service
from app.feedback.codes import OPEN, FeedbackKind, FeedbackStatus
from app.feedback.forms import FeedbackForm
from app.models import Agency, Feedback, Procedure, by_code
from app.params import Page, int_param
from app.routes._render import render_page
from app.text import by_name, fold
from app.web.caching import private_page
from app.web.security import client_key, limiter

bp = Blueprint("feedback", __name__, url_prefix="/feedback")
PER_PAGE = 20
CHOICES = 8


@bp.get("/procedure-choices")
def choices():
    """The procedures matching what was typed, as radio buttons (the picker's htmx answer)."""
    session = get_session()
    query = request.args.get("procedure_q", "")[:200]
    return render_template(
        "feedback/_choices.html", choices=procedures_named(session, query, CHOICES), query=query, selected=None
    )


@bp.route("/new", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["FEEDBACK_RATE_LIMIT"],
    methods=["POST"],
    exempt_when=lambda: request.form.get("action") in ("find", "change"),
)
def new():
    """Send a phản ánh or kiến nghị; on success go to its tracking page."""
    session = get_session()
    form = FeedbackForm()
    if request.method == "GET":
        form.procedure_code.data = request.args.get("procedure", "")[:64]
        form.agency_code.data = request.args.get("agency", "")[:50]
        form.kind.data = form.kind.data or FeedbackKind.PHAN_ANH.value
    query = request.form.get("procedure_q", "")[:200]
    action = request.form.get("action")
    if action == "change":
        form.procedure_code.data = ""
    if action == "send" and query.strip() and not (form.content.data or "").strip() and not form.procedure_code.data:
        # Enter pressed in the procedure search box before anything was written: find, do not refuse.
        action = "find"
    procedure = by_code(session, Procedure, form.procedure_code.data)
    agency = by_code(session, Agency, form.agency_code.data)
    status, busy = 200, False
    if request.method == "POST" and action not in ("find", "change"):
        valid = form.validate()
        if form.procedure_code.data and procedure is None:
            form.procedure_code.errors = [*form.procedure_code.errors, _("Không có thủ tục mã này.")]
            valid = False
        if form.agency_code.data and agency is None:
            form.agency_code.errors = [*form.agency_code.errors, _("Không có cơ quan mã này.")]
            valid = False
        if valid:
            try:
                feedback = commit_patiently(
                    session,
                    lambda: service.submit_feedback(
                        session,
                        kind=form.kind.data,
                        content=form.content.data,
                        procedure=procedure,
                        agency=agency,
                        name=form.name.data,
                        email=form.email.data,
                        phone=form.phone.data,
                        publish_consent=form.publish_consent.data,
                        client=client_key(),
                        lang=get_locale().language,
                    ),
                    current_app.config["SQLITE_BUSY_SECONDS"],
                )
            except Busy:
                busy = True
            else:
                return redirect(url_for("feedback.track", code=feedback.tracking_code), 303)
        status = 503 if busy else 422
    choices = procedures_named(session, query, CHOICES) if query else []
    page = render_template(
        "feedback/new.html",
        form=form,
        procedure=procedure,
        agencies=service.selectable_agencies(session),
        choices=choices,
        query=query,
        busy=busy,
    )
    return page, status, ({"Retry-After": "30"} if busy else {})


@bp.get("/lookup")
def lookup():
    """Go to the tracking page of the code typed."""
    code = service.normalise_code(request.args.get("code", "")[:64])
    if not code:
        return render_template(
            "feedback/lookup.html",
            code=request.args.get("code", "")[:64],
            error=_("Mã tra cứu gồm 16 chữ và số, ví dụ 7K3M-Q9XD-2H4T-8RWC."),
        ), 400
    return redirect(url_for("feedback.track", code=code), 303)


@bp.get("/<code>")
def track(code):
    """A feedback's status, its dates and, once given, the answer; never the contact details."""
    session = get_session()
    feedback = service.find_feedback(session, code[:64])
    if feedback is None:
        return render_template(
            "feedback/lookup.html", code=code[:64], error=_("Không tìm thấy phản ánh, kiến nghị có mã này.")
        ), 404
    if feedback.tracking_code != code:
        return redirect(url_for("feedback.track", code=feedback.tracking_code), 301)
    if not feedback.published:
        private_page()  # the citizen's text, not public: no cache keeps it
    days = current_app.config["FEEDBACK_ANSWER_DAYS"]
    due = queue.due_date(session, feedback, days)
    return render_template(
        "feedback/track.html",
        feedback=feedback,
        due=due,
        days=days,
        overdue=feedback.status in OPEN and due < local_now().date(),
        history=service.answer_history(feedback),
    )


def _published():
    """The feedback anyone may read: answered, published, its sender having agreed."""
    return select(Feedback).where(
        Feedback.published.is_(True), Feedback.status == FeedbackStatus.ANSWERED, Feedback.publish_consent.is_(True)
    )


@bp.get("/answers/<int:answer_id>")
def answer(answer_id):
    """One published question and its answer, at an address of its own (the feed's entries link here)."""
    item = get_session().scalar(
        _published()
        .where(Feedback.id == answer_id)
        .options(selectinload(Feedback.agency), selectinload(Feedback.procedure))
    )
    if item is None:
        abort(404)
    return render_template("feedback/answer.html", item=item)


@bp.get("")
def index():
    """The published questions and answers: searchable, by agency and procedure."""
    session = get_session()
    page = int_param(request.args, "page", 1, 1, 100000)
    q = request.args.get("q", "")[:200].strip()
    agency = by_code(session, Agency, request.args.get("agency"))
    procedure = by_code(session, Procedure, request.args.get("procedure"))
    query = _published()
    if agency is not None:
        query = query.where(Feedback.agency_id == agency.id)
    if procedure is not None:
        query = query.where(Feedback.procedure_id == procedure.id)
    for word in fold(q).split()[:12]:
        query = query.where(Feedback.folded.contains(word, autoescape=True))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(
        query.order_by(Feedback.answered_at.desc(), Feedback.id.desc())
        .options(selectinload(Feedback.agency), selectinload(Feedback.procedure))
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    answered = select(Feedback.agency_id).where(Feedback.published.is_(True)).distinct()
    agencies = by_name(session.scalars(select(Agency).where(Agency.id.in_(answered))))
    return render_page(
        "feedback/index.html",
        "results",
        page=Page(list(rows), total, page, PER_PAGE),
        q=q,
        agency=agency,
        procedure=procedure,
        agencies=agencies,
        args=request.args.to_dict(),
    )
