"""Compute a month's figures from the case files in the database, and publish them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field, fields

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from app import audit, clock, subscriptions
from app.audit import Actor
from app.catalogue.codes import ChannelMethod
from app.late import rules
from app.late.calendar import WorkCalendar
from app.late.codes import EventKind
from app.late.rules import Deadline, Month
from app.models import (
    AgencyMonth,
    Case,
    CaseEvent,
    Channel,
    HolidayOverride,
    LateFile,
    LateFileOfficer,
    MonthRevision,
    Officer,
    OfficerMonth,
    Procedure,
    PublishedMonth,
    Step,
)

# Ids per `IN (...)`: below the 999 bound parameters older SQLite builds allow.
CHUNK = 900


@dataclass
class AgencyCounts:
    resolved: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    pending_overdue: int = 0
    apologies: int = 0
    waiting_applicant: int = 0
    repeat_supplement: int = 0
    pending: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return rules.on_time_rate(self.early, self.on_time, self.resolved)


@dataclass
class OfficerCounts:
    officer_name: str
    officer_title: str | None
    agency_id: int | None
    late_files: int = 0
    days_late: int = 0


@dataclass
class LateFileFacts:
    """One late file as the month publishes it (SPEC §5, `/api/v1/late/files`)."""

    case_code: str
    procedure_code: str | None
    procedure_name: str | None
    agency_id: int
    received_at: dt.datetime
    due_at: dt.datetime
    due_has_time: bool
    finished_at: dt.datetime
    days_late: int
    apology: bool
    reason: str | None
    rescheduled_to: dt.datetime | None
    rescheduled_has_time: bool
    supplements: int
    officers: dict[str, int] = field(default_factory=dict)


@dataclass
class MonthFigures:
    month: Month
    agencies: dict[int, AgencyCounts] = field(default_factory=dict)
    officers: dict[str, OfficerCounts] = field(default_factory=dict)
    files: dict[str, LateFileFacts] = field(default_factory=dict)


class PublishError(ValueError):
    """A month cannot be published as asked; the message says why, in Vietnamese."""


def processing_times(
    session: Session, codes: Collection[str] | None = None
) -> dict[str, tuple[float | None, str | None]]:
    """Each procedure's processing time (of the procedures `codes` only, when given): its direct
    (`Trực tiếp`) channel's when it has one, else its first."""
    times: dict[str, tuple[float | None, str | None]] = {}
    direct: set[str] = set()
    query = (
        select(Procedure.code, Channel.method, Channel.processing_value, Channel.processing_unit)
        .join(Channel, Channel.procedure_id == Procedure.id)
        .order_by(Procedure.id, Channel.position)
    )
    rows = session.execute(query if codes is None else query.where(Procedure.code.in_(list(codes))))
    for code, method, value, unit in rows:
        if code in direct:
            continue
        if method == ChannelMethod.DIRECT:
            times[code] = (value, unit)
            direct.add(code)
        else:
            times.setdefault(code, (value, unit))
    return times


def load_calendar(session: Session) -> WorkCalendar:
    """The working-day calendar with the imported days off and working weekend days."""
    return WorkCalendar(dict(session.execute(select(HolidayOverride.date, HolidayOverride.kind)).tuples().all()))


def compute_month(session: Session, month: Month) -> MonthFigures:
    """Count every agency's and officer's figures for `month` from the case files and their events,
    and list its late files (SPEC §3)."""
    calendar, times = load_calendar(session), processing_times(session)
    figures = MonthFigures(month)
    # Received by the month's end, and not finished before it began.
    selected = (
        Case.status.is_(None),
        Case.received_at < month.cutoff,
        or_(Case.finished_at.is_(None), Case.finished_at >= month.start),
    )
    events = _events(session, selected)
    late: dict[int, tuple[LateFileFacts, str | None]] = {}
    rows = session.execute(
        select(
            Case.id,
            Case.code,
            Case.procedure_code,
            Case.agency_id,
            Case.received_at,
            Case.due_at,
            Case.due_has_time,
            Case.finished_at,
            Case.apology_sent,
            Case.officer_code,
        ).where(*selected)
    )
    for case_id, code, procedure, agency_id, received, due, has_time, finished, apology, officer in rows:
        deadline: Deadline | None
        if due is not None:
            deadline = Deadline.of(due, has_time)
        else:
            deadline = rules.computed_deadline(calendar, received, *times.get(procedure, (None, None)))
        counts = figures.agencies.get(agency_id)
        if counts is None:
            counts = figures.agencies[agency_id] = AgencyCounts()
        history = events.get(case_id, ())
        if finished is not None and finished < month.cutoff:
            counts.resolved += 1
            if deadline is None:
                # Only when a procedure lost its time limit after the import checked it.
                counts.on_time += 1
                continue
            judged = rules.judge(calendar, deadline, finished, history)
            counts.repeat_supplement += judged.repeat_supplement
            if judged.outcome == rules.LATE:
                counts.late += 1
                facts = _late_file(code, procedure, agency_id, received, finished, judged, apology, history)
                counts.apologies += facts.apology
                late[case_id] = (facts, officer)
            elif judged.outcome == rules.EARLY:
                counts.early += 1
            else:
                counts.on_time += 1
        else:
            state = rules.month_end(calendar, received, finished, deadline, month, history)
            counts.pending += state.pending
            counts.waiting_applicant += state.waiting
            counts.pending_overdue += state.overdue
    _charge_officers(session, calendar, figures, late)
    _name_procedures(session, figures)
    figures.agencies = {k: v for k, v in figures.agencies.items() if v.resolved or v.pending}
    return figures


def _events(session: Session, selected: tuple) -> dict[int, list[rules.Event]]:
    """The events of the selected files, by file."""
    found: dict[int, list[rules.Event]] = defaultdict(list)
    for case_id, kind, at, reason, new_due, new_has_time in session.execute(
        select(
            CaseEvent.case_id,
            CaseEvent.event,
            CaseEvent.at,
            CaseEvent.reason,
            CaseEvent.new_due_at,
            CaseEvent.new_due_has_time,
        )
        .join(Case, Case.id == CaseEvent.case_id)
        .where(*selected)
    ):
        found[case_id].append(
            rules.Event(kind, at, reason, Deadline.of(new_due, new_has_time) if new_due is not None else None)
        )
    return found


def _late_file(
    code: str,
    procedure: str | None,
    agency_id: int,
    received: dt.datetime,
    finished: dt.datetime,
    judged: rules.Judgement,
    apology: bool,
    events: Sequence[rules.Event],
) -> LateFileFacts:
    explained = rules.latest(events, EventKind.EXPLAINED)
    rescheduled = rules.latest(events, EventKind.RESCHEDULED)
    new_due = rescheduled.new_due if rescheduled else None
    deadline = judged.deadline
    return LateFileFacts(
        case_code=code,
        procedure_code=procedure,
        procedure_name=None,
        agency_id=agency_id,
        received_at=received,
        due_at=dt.datetime.combine(deadline.day, deadline.time or dt.time()),
        due_has_time=deadline.time is not None,
        finished_at=finished,
        days_late=judged.days_late,
        apology=rules.apologised(apology, events),
        reason=explained.reason if explained else None,
        rescheduled_to=dt.datetime.combine(new_due.day, new_due.time or dt.time()) if new_due else None,
        rescheduled_has_time=bool(new_due and new_due.time is not None),
        supplements=judged.supplements,
    )


def _charge_officers(
    session: Session, calendar: WorkCalendar, figures: MonthFigures, late: dict[int, tuple[LateFileFacts, str | None]]
) -> None:
    steps: dict[int, list[rules.StepFacts]] = defaultdict(list)
    ids = list(late)
    for start in range(0, len(ids), CHUNK):
        for case_id, officer, due, has_time, finished in session.execute(
            select(Step.case_id, Officer.code, Step.due_at, Step.due_has_time, Step.finished_at)
            .join(Officer, Officer.id == Step.officer_id)
            .where(Step.case_id.in_(ids[start : start + CHUNK]))
        ):
            deadline = Deadline.of(due, has_time) if due is not None else None
            steps[case_id].append(rules.StepFacts(officer, deadline, finished))
    charged: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case_id, (facts, officer) in late.items():
        facts.officers = rules.responsible_officers(calendar, steps.get(case_id, ()), officer, facts.days_late)
        figures.files[facts.case_code] = facts
        for code, days in facts.officers.items():
            charged[code][0] += 1
            charged[code][1] += days
    if not charged:
        return
    people = {
        code: (name, title, agency)
        for code, name, title, agency in session.execute(
            select(Officer.code, Officer.name, Officer.title, Officer.agency_id).where(Officer.code.in_(list(charged)))
        )
    }
    for code, (files, days) in charged.items():
        # An officer known only by a case's officer_code is published under that code.
        name, title, agency = people.get(code, (code, None, None))
        figures.officers[code] = OfficerCounts(name, title, agency, files, days)


def _name_procedures(session: Session, figures: MonthFigures) -> None:
    """Freeze each late file's procedure name as the catalogue gives it now."""
    codes = list({f.procedure_code for f in figures.files.values() if f.procedure_code})
    names: dict[str, str] = {}
    for start in range(0, len(codes), CHUNK):
        names.update(
            session.execute(
                select(Procedure.code, Procedure.name).where(Procedure.code.in_(codes[start : start + CHUNK]))
            )
            .tuples()
            .all()
        )
    for facts in figures.files.values():
        facts.procedure_name = names.get(facts.procedure_code or "")


def stored_figures(session: Session, month: Month) -> MonthFigures:
    """The figures stored for a month when it was last published."""
    figures = MonthFigures(month)
    for row in session.scalars(select(AgencyMonth).where(AgencyMonth.month == str(month))):
        figures.agencies[row.agency_id] = AgencyCounts(**{name: getattr(row, name) for name in COUNT_FIELDS})
    for officer in session.scalars(select(OfficerMonth).where(OfficerMonth.month == str(month))):
        figures.officers[officer.officer_code] = OfficerCounts(
            officer.officer_name, officer.officer_title, officer.agency_id, officer.late_files, officer.days_late
        )
    charged: dict[int, dict[str, int]] = defaultdict(dict)
    for file_id, code, days in session.execute(
        select(LateFileOfficer.late_file_id, LateFileOfficer.officer_code, LateFileOfficer.days_late)
        .join(LateFile, LateFile.id == LateFileOfficer.late_file_id)
        .where(LateFile.month == str(month))
    ):
        charged[file_id][code] = days
    for file in session.scalars(select(LateFile).where(LateFile.month == str(month))):
        figures.files[file.case_code] = LateFileFacts(
            **{name: getattr(file, name) for name in FILE_FIELDS}, officers=charged.get(file.id, {})
        )
    return figures


COUNT_FIELDS = tuple(f.name for f in fields(AgencyCounts))
FILE_FIELDS = tuple(f.name for f in fields(LateFileFacts) if f.name != "officers")


@dataclass
class PublishResult:
    month: Month
    revision: int
    changed: bool
    figures: MonthFigures


def publish_month(
    session: Session, month: Month, actor: Actor, note: str | None = None, now: dt.datetime | None = None
) -> PublishResult:
    """Recompute `month` and make it public, logged (not committed); a published month changes only
    with a revision note."""
    now = now or clock.local_now()  # Vietnam's time: the month ends at midnight there
    if month.last_day >= now.date():
        raise PublishError(f"tháng {month} chưa kết thúc, chưa thể công bố")
    figures = compute_month(session, month)
    published = session.scalar(select(PublishedMonth).where(PublishedMonth.month == str(month)))
    if published is None and not figures.agencies:
        raise PublishError(f"tháng {month} không có hồ sơ nào để công bố")
    note = (note or "").strip() or None
    if published is not None:
        if same_figures(stored_figures(session, month), figures):
            return PublishResult(month, published.revision, False, figures)
        if not note:
            raise PublishError(f"tháng {month} đã công bố và số liệu đã thay đổi: cần ghi chú đính chính (--note)")
    _store(session, figures)
    if published is None:
        published = PublishedMonth(
            month=str(month), first_published_at=now, published_at=now, published_by=actor.name, revision=1
        )
        session.add(published)
    else:
        published.revision += 1
        published.published_at, published.published_by = now, actor.name
        published.revisions.append(
            MonthRevision(revision=published.revision, note=note, published_at=now, published_by=actor.name)
        )
    session.flush()
    audit.record(
        session, actor, "month.publish", "month", str(month), note, None, {"revision": published.revision}, now=now
    )
    subscriptions.notify_publication(session, month, published.revision, now)
    return PublishResult(month, published.revision, True, figures)


def same_figures(left: MonthFigures, right: MonthFigures) -> bool:
    """Whether two computations of a month publish the same: every agency's and officer's figures and
    every late file (its procedure's name aside, which follows the catalogue)."""

    def files(figures: MonthFigures) -> dict:
        return {code: {**asdict(f), "procedure_name": None} for code, f in figures.files.items()}

    return (
        {k: asdict(v) for k, v in left.agencies.items()} == {k: asdict(v) for k, v in right.agencies.items()}
        and {k: asdict(v) for k, v in left.officers.items()} == {k: asdict(v) for k, v in right.officers.items()}
        and files(left) == files(right)
    )


def _store(session: Session, figures: MonthFigures) -> None:
    month = str(figures.month)
    session.execute(delete(AgencyMonth).where(AgencyMonth.month == month))
    session.execute(delete(OfficerMonth).where(OfficerMonth.month == month))
    session.execute(
        delete(LateFileOfficer).where(
            LateFileOfficer.late_file_id.in_(select(LateFile.id).where(LateFile.month == month))
        )
    )
    session.execute(delete(LateFile).where(LateFile.month == month))
    if figures.agencies:
        session.execute(
            insert(AgencyMonth),
            [{"month": month, "agency_id": agency, **asdict(counts)} for agency, counts in figures.agencies.items()],
        )
    if figures.officers:
        session.execute(
            insert(OfficerMonth),
            [{"month": month, "officer_code": code, **asdict(counts)} for code, counts in figures.officers.items()],
        )
    files = list(figures.files.values())
    for start in range(0, len(files), CHUNK):
        chunk = files[start : start + CHUNK]
        session.execute(
            insert(LateFile), [{"month": month, **{name: getattr(f, name) for name in FILE_FIELDS}} for f in chunk]
        )
    if files:
        ids = dict(
            session.execute(select(LateFile.case_code, LateFile.id).where(LateFile.month == month)).tuples().all()
        )
        charged = [
            {"late_file_id": ids[f.case_code], "officer_code": code, "days_late": days}
            for f in files
            for code, days in f.officers.items()
        ]
        for start in range(0, len(charged), CHUNK):
            session.execute(insert(LateFileOfficer), charged[start : start + CHUNK])
