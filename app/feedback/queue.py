"""The feedback queue of the back office: who may see what, the answering deadline in working days,
the share answered on time (as the national satisfaction index counts it), and the Office's actions,
each logged by the service in the action's transaction (not committed here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.admin.codes import OFFICE_STAFF, AccountRole
from app.feedback import service
from app.feedback.codes import OPEN, FeedbackStatus
from app.late.calendar import ONE_DAY, WorkCalendar
from app.late.rules import percent
from app.late.store import load_calendar
from app.models import Account, Agency, Feedback

# The queue's views beside each status: what is still to answer (its default), and everything.
OPEN_ITEMS, ALL_ITEMS = "open", "all"


class NotAllowed(PermissionError):
    """The account may not act on this feedback."""


def _scoped(query, account: Account):
    """Only the feedback `account` may see: a responder sees their agency's."""
    return query.where(Feedback.agency_id == account.agency_id) if account.role == AccountRole.RESPONDER else query


def status_counts(session: Session, account: Account) -> dict[str, int]:
    """How many feedback the account may see, by status."""
    query = _scoped(select(Feedback.status, func.count()).group_by(Feedback.status), account)
    return {status: count for status, count in session.execute(query)}


def may_see(account: Account, feedback: Feedback) -> bool:
    return account.role in OFFICE_STAFF or (
        account.role == AccountRole.RESPONDER
        and feedback.agency_id is not None
        and feedback.agency_id == account.agency_id
    )


def deadline(calendar: WorkCalendar, feedback: Feedback, days: int) -> dt.date:
    """The last day to answer: `days` working days after the day it was received."""
    return calendar.add_working_days(feedback.received_at.date(), days)


def due_date(session: Session, feedback: Feedback, days: int) -> dt.date:
    """The deadline of one feedback, on the calendar with the imported days off."""
    return deadline(load_calendar(session), feedback, days)


@dataclass
class QueueItem:
    feedback: Feedback
    due: dt.date
    overdue: bool


def last_overdue_day(calendar: WorkCalendar, days: int, today: dt.date) -> dt.date:
    """The last day of receipt whose deadline has passed by `today`: open feedback received on or
    before it is overdue (a deadline never comes earlier for a later day of receipt)."""
    day = today
    while calendar.add_working_days(day, days) >= today:
        day -= ONE_DAY
    return day


def _filtered(
    calendar: WorkCalendar,
    account: Account,
    days: int,
    status: str | None,
    agency: Agency | None,
    overdue_only: bool,
    today: dt.date,
):
    query = _scoped(select(Feedback), account)
    if status == OPEN_ITEMS:
        query = query.where(Feedback.status.in_(OPEN))
    elif status and status != ALL_ITEMS:
        query = query.where(Feedback.status == status)
    if overdue_only:
        cutoff = dt.datetime.combine(last_overdue_day(calendar, days, today) + ONE_DAY, dt.time())
        query = query.where(Feedback.status.in_(OPEN), Feedback.received_at < cutoff)
    if agency is not None:
        query = query.where(Feedback.agency_id == agency.id)
    return query


def queue(
    session: Session,
    account: Account,
    days: int,
    status: str | None = None,
    agency: Agency | None = None,
    overdue_only: bool = False,
    today: dt.date | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[QueueItem], int]:
    """One page of the feedback the account may see, the newest first, with deadlines; and how
    many there are in all. `status` is a FeedbackStatus, OPEN_ITEMS (the default of the back
    office: still to answer) or ALL_ITEMS. Filtered and paged in the database: the queue may hold
    tens of thousands."""
    today = today or service.local_now().date()
    calendar = load_calendar(session)
    query = _filtered(calendar, account, days, status, agency, overdue_only, today)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.scalars(
        query.options(selectinload(Feedback.agency), selectinload(Feedback.procedure))
        .order_by(Feedback.received_at.desc(), Feedback.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    items = []
    for feedback in rows:
        due = deadline(calendar, feedback, days)
        items.append(QueueItem(feedback, due, feedback.status in OPEN and due < today))
    return items, total


def overdue_count(session: Session, account: Account, days: int, today: dt.date | None = None) -> int:
    """How many open feedback the account may see are past their deadline."""
    today = today or service.local_now().date()
    query = _filtered(load_calendar(session), account, days, None, None, True, today)
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


@dataclass
class Timeliness:
    answered: int
    on_time: int
    overdue: int = 0  # open and past the deadline: already late, however they end

    @property
    def share(self) -> float | None:
        """Answered on time, of all answered and of the open ones already past their deadline."""
        return percent(self.on_time, self.answered + self.overdue)


def timeliness(session: Session, days: int, account: Account, today: dt.date | None = None) -> Timeliness:
    """Answered feedback the account may see, how many within the deadline, and how many open
    ones are past it (they count as late in the share: "5 overdue" never sits beside 100%)."""
    calendar = load_calendar(session)
    query = _scoped(
        select(Feedback.received_at, Feedback.answered_at).where(Feedback.status == FeedbackStatus.ANSWERED), account
    )
    deadlines: dict[dt.date, dt.date] = {}  # by day of receipt: a few hundred days for any number
    answered = on_time = 0
    for received, answered_at in session.execute(query):
        day = received.date()
        if day not in deadlines:
            deadlines[day] = calendar.add_working_days(day, days)
        answered += 1
        on_time += answered_at.date() <= deadlines[day]
    return Timeliness(answered, on_time, overdue_count(session, account, days, today))


def _check(account: Account, feedback: Feedback) -> None:
    if not may_see(account, feedback):
        raise NotAllowed(feedback.tracking_code)


def assign(session: Session, account: Account, feedback: Feedback, agency: Agency | None) -> None:
    """Give the feedback to an agency to answer (administrators and editors)."""
    if account.role not in OFFICE_STAFF:
        raise NotAllowed(feedback.tracking_code)
    before = service.feedback_state(feedback)
    feedback.agency = agency
    service.log_action(session, account, "feedback.assign", feedback, agency.name if agency else None, before)


def mark(session: Session, account: Account, feedback: Feedback, status: str, note: str | None) -> None:
    """In progress, or declined (spam, abuse) with a reason."""
    _check(account, feedback)
    service.set_status(session, account, feedback, status, note=note)


def answer(session: Session, account: Account, feedback: Feedback, text: str, publish: bool) -> None:
    """Answer (what the citizen sees on the tracking page); publish it if the citizen consented.
    Only an open feedback is answered: once answered, only the Office publishes or withdraws it."""
    _check(account, feedback)
    if feedback.status == FeedbackStatus.ANSWERED:
        raise service.FeedbackError(
            f"phản ánh {feedback.tracking_code} đã được trả lời; chỉ Văn phòng công khai hoặc thôi công khai"
        )
    by = feedback.agency.name if feedback.agency else "Văn phòng UBND tỉnh"
    service.answer_feedback(session, account, feedback, text, by=by, publish=publish)


def correct(session: Session, account: Account, feedback: Feedback, text: str) -> None:
    """Correct an answer already given: the earlier one stays in the history the tracking page
    shows. A published answer corrected by the Office stays published; corrected by an agency's
    responder, it is withdrawn until the Office publishes it again."""
    _check(account, feedback)
    if feedback.status != FeedbackStatus.ANSWERED:
        raise service.FeedbackError(f"phản ánh {feedback.tracking_code} chưa được trả lời")
    publish = feedback.published and account.role in OFFICE_STAFF
    service.answer_feedback(session, account, feedback, text, by=feedback.answered_by, publish=publish)


def set_published(session: Session, account: Account, feedback: Feedback, publish: bool) -> None:
    """Publish an answered feedback in /feedback, or withdraw it (administrators and editors)."""
    if account.role not in OFFICE_STAFF or feedback.status != FeedbackStatus.ANSWERED:
        raise NotAllowed(feedback.tracking_code)
    if publish and not feedback.publish_consent:
        raise service.FeedbackError("người gửi không đồng ý công khai")
    before = service.feedback_state(feedback)
    feedback.published = publish
    service.log_action(
        session, account, "feedback.publish" if publish else "feedback.unpublish", feedback, None, before
    )
