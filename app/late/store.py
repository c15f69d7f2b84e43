"""Compute a month's figures from the case files in the database, and publish them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from app import audit, clock
from app.audit import Actor
from app.catalogue.codes import ChannelMethod
from app.late import rules
from app.late.calendar import WorkCalendar
from app.late.rules import Deadline, Month
from app.models import (
    AgencyMonth,
    Case,
    Channel,
    HolidayOverride,
    MonthRevision,
    Officer,
    OfficerMonth,
    Procedure,
    PublishedMonth,
    Step,
)

CHUNK = 900


@dataclass
class AgencyCounts:
    resolved: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    pending_overdue: int = 0
    apologies: int = 0

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
class MonthFigures:
    month: Month
    agencies: dict[int, AgencyCounts] = field(default_factory=dict)
    officers: dict[str, OfficerCounts] = field(default_factory=dict)
    without_deadline: int = 0


class PublishError(ValueError):
    """A month cannot be published as asked; the message says why, in Vietnamese."""


def processing_times(session: Session) -> dict[str, tuple[float | None, str | None]]:
    """Each procedure's processing time: its direct (`Trực tiếp`) channel's when it has one, else its first."""
    times: dict[str, tuple[float | None, str | None]] = {}
    direct: set[str] = set()
    rows = session.execute(
        select(Procedure.code, Channel.method, Channel.processing_value, Channel.processing_unit)
        .join(Channel, Channel.procedure_id == Procedure.id)
        .order_by(Procedure.id, Channel.position)
    )
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
    """Count every agency's and officer's figures for `month` from the case files (SPEC §3)."""
    calendar, times = load_calendar(session), processing_times(session)
    figures = MonthFigures(month)
    late_cases: dict[int, tuple[str | None, int]] = {}
    rows = session.execute(
        select(
            Case.id,
            Case.procedure_code,
            Case.agency_id,
            Case.received_at,
            Case.due_at,
            Case.due_has_time,
            Case.finished_at,
            Case.apology_sent,
            Case.officer_code,
        )
        .where(Case.status.is_(None), Case.received_at < month.cutoff)
        .where(or_(Case.finished_at.is_(None), Case.finished_at >= month.start))
    )
    for case_id, procedure, agency_id, received, due, has_time, finished, apology, officer in rows:
        deadline: Deadline | None
        if due is not None:
            deadline = Deadline.of(due, has_time)
        else:
            deadline = rules.computed_deadline(calendar, received, *times.get(procedure, (None, None)))
        counts = figures.agencies.get(agency_id)
        if counts is None:
            counts = figures.agencies[agency_id] = AgencyCounts()
        if finished is not None and finished < month.cutoff:
            counts.resolved += 1
            if deadline is None:
                # Only when a procedure lost its time limit after the import checked it.
                figures.without_deadline += 1
                counts.on_time += 1
                continue
            result = rules.outcome(deadline, finished)
            if result == rules.LATE:
                counts.late += 1
                counts.apologies += bool(apology)
                late_cases[case_id] = (officer, rules.days_late(calendar, deadline, finished))
            elif result == rules.EARLY:
                counts.early += 1
            else:
                counts.on_time += 1
        elif deadline is not None and rules.pending_overdue(received, finished, deadline, month):
            counts.pending_overdue += 1
    _charge_officers(session, calendar, figures, late_cases)
    figures.agencies = {k: v for k, v in figures.agencies.items() if v.resolved or v.pending_overdue}
    return figures


def _charge_officers(
    session: Session, calendar: WorkCalendar, figures: MonthFigures, late_cases: dict[int, tuple[str | None, int]]
) -> None:
    steps: dict[int, list[rules.StepFacts]] = defaultdict(list)
    ids = list(late_cases)
    for start in range(0, len(ids), CHUNK):
        for case_id, officer, due, has_time, finished in session.execute(
            select(Step.case_id, Officer.code, Step.due_at, Step.due_has_time, Step.finished_at)
            .join(Officer, Officer.id == Step.officer_id)
            .where(Step.case_id.in_(ids[start : start + CHUNK]))
        ):
            deadline = Deadline.of(due, has_time) if due is not None else None
            steps[case_id].append(rules.StepFacts(officer, deadline, finished))
    charged: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case_id, (officer, file_days) in late_cases.items():
        for code, days in rules.responsible_officers(calendar, steps.get(case_id, ()), officer, file_days).items():
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


def stored_figures(session: Session, month: Month) -> MonthFigures:
    """The figures stored for a month when it was last published."""
    figures = MonthFigures(month)
    for row in session.scalars(select(AgencyMonth).where(AgencyMonth.month == str(month))):
        figures.agencies[row.agency_id] = AgencyCounts(
            row.resolved, row.early, row.on_time, row.late, row.pending_overdue, row.apologies
        )
    for officer in session.scalars(select(OfficerMonth).where(OfficerMonth.month == str(month))):
        figures.officers[officer.officer_code] = OfficerCounts(
            officer.officer_name, officer.officer_title, officer.agency_id, officer.late_files, officer.days_late
        )
    return figures


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
    return PublishResult(month, published.revision, True, figures)


def same_figures(left: MonthFigures, right: MonthFigures) -> bool:
    """Whether two computations of a month give the same figures for every agency and officer."""
    return {k: asdict(v) for k, v in left.agencies.items()} == {k: asdict(v) for k, v in right.agencies.items()} and {
        k: asdict(v) for k, v in left.officers.items()
    } == {k: asdict(v) for k, v in right.officers.items()}


def _store(session: Session, figures: MonthFigures) -> None:
    month = str(figures.month)
    session.execute(delete(AgencyMonth).where(AgencyMonth.month == month))
    session.execute(delete(OfficerMonth).where(OfficerMonth.month == month))
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
