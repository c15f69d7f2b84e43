"""A file's status for its applicant (`/cases/<case_code>?t=`): its dates, its steps by agency,
whether it is late and why, by the same rules as the late tables (SPEC §3). Never officers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.late import rules
from app.late.codes import CaseStatus, EventKind
from app.late.rules import Deadline
from app.late.store import load_calendar, processing_times
from app.models import Agency, Case, Procedure, Step
from app.models.tokens import UNMATCHABLE, tokens_match


@dataclass(frozen=True)
class StepLine:
    """One step as its applicant sees it: which agency, from when, due and done (no officer)."""

    number: int
    agency: str | None
    started_at: dt.datetime | None
    due: Deadline | None
    finished_at: dt.datetime | None


@dataclass(frozen=True)
class EventLine:
    kind: str  # an EventKind
    at: dt.datetime
    reason: str | None
    new_due: Deadline | None


@dataclass
class FileStatus:
    code: str
    agency: str
    procedure_code: str | None
    procedure_name: str | None
    received_at: dt.datetime
    due: Deadline | None  # the promise: imported, or computed from the procedure's time limit
    effective_due: Deadline | None  # moved by the pauses for documents
    finished_at: dt.datetime | None
    # "early", "on_time", "late" once finished; "waiting" (for the applicant's documents),
    # "overdue" or "in_progress" while pending; "withdrawn" or "rejected" for such files.
    state: str
    days_late: int
    pause_days: int  # working days the completed pauses added to the due day
    waiting_since: dt.datetime | None
    rescheduled_to: Deadline | None
    apology: bool
    steps: list[StepLine] = field(default_factory=list)
    events: list[EventLine] = field(default_factory=list)


def file_status(session: Session, case: Case, now: dt.datetime) -> FileStatus:
    """`case` as it stands at `now`, judged as the late tables judge it."""
    calendar = load_calendar(session)
    deadline: Deadline | None
    if case.due_at is not None:
        deadline = Deadline.of(case.due_at, case.due_has_time)
    else:
        code = case.procedure_code or ""
        value, unit = processing_times(session, [code]).get(code, (None, None))
        deadline = rules.computed_deadline(calendar, case.received_at, value, unit)
    events = [
        rules.Event(e.event, e.at, e.reason, Deadline.of(e.new_due_at, e.new_due_has_time) if e.new_due_at else None)
        for e in case.events
    ]
    until = case.finished_at or now
    history = rules.pauses(calendar, events, until)
    effective = rules.shifted(calendar, deadline, history.shift) if deadline else None
    days_late = 0
    if case.status in (CaseStatus.WITHDRAWN, CaseStatus.REJECTED):
        state = str(case.status)
    elif case.finished_at is not None and deadline is not None:
        judged = rules.judge(calendar, deadline, case.finished_at, events)
        state, days_late, effective = judged.outcome, judged.days_late, judged.deadline
    elif case.finished_at is not None:
        state = rules.ON_TIME
    elif history.waiting_since is not None:
        state = "waiting"
    elif effective is not None and effective.moment <= now:
        state = "overdue"
        days_late = rules.days_late(calendar, effective, now)
    else:
        state = "in_progress"
    rescheduled = rules.latest(events, EventKind.RESCHEDULED)
    procedure = (
        session.scalar(select(Procedure).where(Procedure.code == case.procedure_code)) if case.procedure_code else None
    )
    steps = session.execute(
        select(Step.step_no, Agency.name, Step.started_at, Step.due_at, Step.due_has_time, Step.finished_at)
        .outerjoin(Agency, Agency.id == Step.agency_id)
        .where(Step.case_id == case.id)
        .order_by(Step.step_no)
    )
    return FileStatus(
        code=case.code,
        agency=case.agency.name,
        procedure_code=case.procedure_code,
        procedure_name=procedure.name if procedure else None,
        received_at=case.received_at,
        due=deadline,
        effective_due=effective,
        finished_at=case.finished_at,
        state=state,
        days_late=days_late,
        pause_days=history.shift,
        waiting_since=history.waiting_since if case.finished_at is None else None,
        rescheduled_to=rescheduled.new_due if rescheduled else None,
        apology=rules.apologised(case.apology_sent, events),
        steps=[
            StepLine(no, agency or case.agency.name, started, Deadline.of(due, has_time) if due else None, finished)
            for no, agency, started, due, has_time, finished in steps
        ],
        events=[EventLine(e.kind, e.at, e.reason, e.new_due) for e in sorted(events, key=lambda e: e.at)],
    )


def find_case(session: Session, code: str | None) -> Case | None:
    code = (code or "").strip()
    if not code or len(code) > 100:
        return None
    return session.scalar(select(Case).where(Case.code == code))


def case_by_receipt(session: Session, code: str | None, token: str | None) -> Case | None:
    """The file with this code when `token` is its receipt token, else None: without the token
    nothing tells whether a file has this code (the comparison is made, in constant time, even
    when none has)."""
    case = find_case(session, code)
    if not tokens_match(case.receipt_token if case else UNMATCHABLE, token):
        return None
    return case


@dataclass(frozen=True)
class Receipt:
    """What a printed receipt carries: the file, its promise, and its secret links' token."""

    code: str
    token: str
    agency: str
    procedure_code: str | None
    procedure_name: str | None
    received_at: dt.datetime
    due: Deadline | None


RECEIPT_BATCH = 500  # receipts on one printed batch at most


def receipts(
    session: Session,
    *,
    codes: list[str] | None = None,
    agency_id: int | None = None,
    day: dt.date | None = None,
    limit: int = RECEIPT_BATCH,
) -> list[Receipt]:
    """The receipts of the files named, or of the files an agency received on `day`, in the
    order they were received."""
    query = select(Case).options(selectinload(Case.agency)).order_by(Case.received_at, Case.code).limit(limit)
    if codes is not None:
        query = query.where(Case.code.in_(codes))
    if agency_id is not None:
        query = query.where(Case.agency_id == agency_id)
    if day is not None:
        start = dt.datetime.combine(day, dt.time())
        query = query.where(Case.received_at >= start, Case.received_at < start + dt.timedelta(days=1))
    cases = list(session.scalars(query))
    calendar = load_calendar(session) if any(c.due_at is None for c in cases) else None
    times = (
        processing_times(session, {c.procedure_code for c in cases if c.procedure_code}) if calendar is not None else {}
    )
    wanted = {c.procedure_code for c in cases if c.procedure_code}
    names = dict(
        session.execute(select(Procedure.code, Procedure.name).where(Procedure.code.in_(wanted))).tuples().all()
    )
    found = []
    for case in cases:
        if case.due_at is not None:
            due: Deadline | None = Deadline.of(case.due_at, case.due_has_time)
        elif calendar is not None:
            due = rules.computed_deadline(
                calendar, case.received_at, *times.get(case.procedure_code or "", (None, None))
            )
        else:
            due = None
        found.append(
            Receipt(
                case.code,
                case.receipt_token or "",
                case.agency.name,
                case.procedure_code,
                names.get(case.procedure_code or ""),
                case.received_at,
                due,
            )
        )
    return found


def rating_link(base: str, code: str, token: str) -> str:
    """The receipt's rating link (SPEC §6), under the site's address `base`."""
    return f"{base}/ratings/new?{urlencode({'case': code, 't': token})}"


def status_link(base: str, code: str, token: str) -> str:
    """The receipt's link to the file's status page (SPEC §2)."""
    return f"{base}/cases/{quote(code, safe='')}?{urlencode({'t': token})}"
