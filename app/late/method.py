"""The methodology page's worked examples and working-day calendars: example files judged by the
rules themselves, so that the page cannot drift from how the figures are counted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.catalogue.codes import TimeUnit
from app.late import rules
from app.late.calendar import ONE_DAY, WorkCalendar
from app.late.codes import EventKind, HolidayKind
from app.late.rules import Deadline, Event, Month, StepFacts
from app.late.store import AgencyCounts
from app.late.tables import over_period
from app.models import Case, HolidayOverride

PROCESSING_DAYS = 3


@dataclass(frozen=True)
class Row:
    """One example file: when it finished, and how the rules judge it."""

    finished: dt.datetime
    outcome: str
    days_late: int
    due: Deadline


@dataclass(frozen=True)
class Examples:
    received: dt.datetime
    days_off: list[dt.date]  # the days the due date skips
    due: Deadline
    outcomes: list[Row]
    request: dt.datetime
    receipt: dt.datetime
    paused: Row  # the same file with the pause
    unpaused: Row  # and without it
    twice: Row
    month_end_overdue: bool
    month: Month
    timed: Timed
    boundary: Boundary
    waiting: Waiting
    rescheduled: Rescheduled
    officers: Officers
    apologies: Apologies
    period: PeriodExample


@dataclass(frozen=True)
class Timed:
    """A due moment with a time of day against the same day without one, for one finishing moment."""

    due: Deadline
    finished: dt.datetime
    with_time: Row
    without_time: Row


@dataclass(frozen=True)
class Boundary:
    """Which month a file finished late on the last evening of a month counts in, and the moment a
    month's end is taken."""

    finished: dt.datetime
    counted_in: Month
    cutoff: dt.datetime


@dataclass(frozen=True)
class Waiting:
    """A file asked for documents that never came: judged at the request, never pending overdue."""

    request: dt.datetime
    finished: dt.datetime
    judged: rules.Judgement
    month_end: rules.MonthEnd


@dataclass(frozen=True)
class Rescheduled:
    new_due: Deadline
    finished: dt.datetime
    judged: rules.Judgement


@dataclass(frozen=True)
class Officers:
    """Two steps of a late file, the second one late; then the same file whose steps carry no due
    date (so that no step is late)."""

    steps: list[StepFacts]
    step_days_late: list[int]
    charged: dict[str, int]
    file_officer: str
    file_days_late: int
    charged_without_late_step: dict[str, int]


@dataclass(frozen=True)
class Apologies:
    """Three late files: the apology in the file's column, in an event, and none."""

    sent: list[bool]
    count: int


@dataclass(frozen=True)
class PeriodExample:
    months: list[tuple[Month, AgencyCounts]]
    total: AgencyCounts
    on_time_rate: float | None
    national_rate: float | None


def anchor(calendar: WorkCalendar, year: int) -> dt.date:
    """The last working day before National Day (2 September) of `year`."""
    day = dt.date(year, 9, 2) - ONE_DAY
    while not calendar.is_working_day(day):
        day -= ONE_DAY
    return day


def _row(calendar: WorkCalendar, due: Deadline, finished: dt.datetime, events: tuple = ()) -> Row:
    judged = rules.judge(calendar, due, finished, events)
    return Row(finished, judged.outcome, judged.days_late, judged.deadline)


def examples(calendar: WorkCalendar, year: int) -> Examples:
    """Build the example files of `year` and judge them."""
    received = dt.datetime.combine(anchor(calendar, year), dt.time(9))
    due = rules.computed_deadline(calendar, received, PROCESSING_DAYS, TimeUnit.WORKING_DAY)
    assert due is not None
    off = [received.date() + ONE_DAY * i for i in range(1, (due.day - received.date()).days)]
    at = dt.datetime.combine
    finishes = [
        at(calendar.subtract_working_days(due.day, 1), dt.time(15)),
        at(due.day, dt.time(16, 30)),
        at(calendar.add_working_days(due.day, 1), dt.time(8)),
        at(calendar.add_working_days(due.day, 3), dt.time(8)),
    ]
    request = at(calendar.add_working_days(received.date(), 1), dt.time(10))
    receipt = at(calendar.add_working_days(request.date(), 3), dt.time(14))
    finished = at(calendar.add_working_days(due.day, 2), dt.time(10))
    pause = (Event(EventKind.SUPPLEMENT_REQUESTED, request), Event(EventKind.SUPPLEMENT_RECEIVED, receipt))
    second = at(calendar.add_working_days(receipt.date(), 1), dt.time(9))
    again = (*pause, Event(EventKind.SUPPLEMENT_REQUESTED, second), Event(EventKind.SUPPLEMENT_RECEIVED, second))
    month = Month(year, 9)
    request_only = (Event(EventKind.SUPPLEMENT_REQUESTED, request),)
    waiting_finished = at(calendar.add_working_days(due.day, 4), dt.time(9))
    late_finish = at(calendar.add_working_days(due.day, 1), dt.time(10))
    new_due = Deadline(calendar.add_working_days(due.day, 5))
    moved = (Event(EventKind.RESCHEDULED, at(due.day, dt.time(15)), reason=None, new_due=new_due),)
    return Examples(
        received=received,
        days_off=[d for d in off if not calendar.is_working_day(d)],
        due=due,
        outcomes=[_row(calendar, due, f) for f in finishes],
        request=request,
        receipt=receipt,
        paused=_row(calendar, due, finished, pause),
        unpaused=_row(calendar, due, finished),
        twice=_row(calendar, due, at(calendar.add_working_days(second.date(), 1), dt.time(9)), again),
        month_end_overdue=rules.month_end(calendar, received, None, due, month).overdue,
        month=month,
        timed=_timed(calendar, due),
        boundary=_boundary(month),
        waiting=Waiting(
            request,
            waiting_finished,
            rules.judge(calendar, due, waiting_finished, request_only),
            rules.month_end(calendar, received, None, due, month, request_only),
        ),
        rescheduled=Rescheduled(new_due, late_finish, rules.judge(calendar, due, late_finish, moved)),
        officers=_officers(calendar, received, due),
        apologies=_apologies(request),
        period=_period(month),
    )


def _timed(calendar: WorkCalendar, due: Deadline) -> Timed:
    promised = Deadline(due.day, dt.time(10))
    finished = dt.datetime.combine(due.day, dt.time(11))
    return Timed(promised, finished, _row(calendar, promised, finished), _row(calendar, due, finished))


def _boundary(month: Month) -> Boundary:
    finished = dt.datetime.combine(month.last_day, dt.time(21, 30))
    return Boundary(finished, Month.of(finished.date()), month.cutoff)


def _officers(calendar: WorkCalendar, received: dt.datetime, due: Deadline) -> Officers:
    """Step 1 (officer A) takes a working day and is on time; step 2 (officer B) is due on the file's
    due day and finishes two working days after it."""
    first_due = calendar.add_working_days(received.date(), 1)
    steps = [
        StepFacts("A", Deadline(first_due), dt.datetime.combine(first_due, dt.time(16))),
        StepFacts("B", Deadline(due.day), dt.datetime.combine(calendar.add_working_days(due.day, 2), dt.time(9))),
    ]
    assert steps[1].finished is not None
    file_days = rules.days_late(calendar, due, steps[1].finished)
    undated = [StepFacts(s.officer_code, None, s.finished) for s in steps]
    return Officers(
        steps,
        [
            rules.days_late(calendar, s.deadline, s.finished) if s.deadline.missed_by(s.finished) else 0
            for s in steps
            if s.deadline is not None and s.finished is not None
        ],
        rules.responsible_officers(calendar, steps, "C", file_days),
        "C",
        file_days,
        rules.responsible_officers(calendar, undated, "C", file_days),
    )


def _apologies(moment: dt.datetime) -> Apologies:
    files = [(True, ()), (False, (Event(EventKind.APOLOGY_SENT, moment),)), (False, ())]
    sent = [rules.apologised(flag, events) for flag, events in files]
    return Apologies(sent, sum(sent))


def _period(month: Month) -> PeriodExample:
    """Two months of one agency, then the period of both."""
    before = Month.of(month.start.date() - ONE_DAY)
    months = [
        (before, AgencyCounts(resolved=120, early=30, on_time=70, late=20, pending=25, pending_overdue=6)),
        (month, AgencyCounts(resolved=100, early=40, on_time=50, late=10, pending=20, pending_overdue=4)),
    ]
    total = over_period([counts for _m, counts in months])
    return PeriodExample(
        months,
        total,
        total.on_time_rate,
        rules.national_rate(total.early, total.on_time, total.resolved, total.pending, total.pending_overdue),
    )


@dataclass(frozen=True)
class NamedDay:
    day: dt.date
    name: str


@dataclass(frozen=True)
class YearCalendar:
    year: int
    public: list[NamedDay]
    days_off: list[NamedDay]
    working_weekends: list[NamedDay]
    working_days: list[int]  # per month, January first

    @property
    def total(self) -> int:
        return sum(self.working_days)


def data_years(session: Session, today: dt.date) -> list[int]:
    """The years the case files span (received or finished), or this year when there are none."""
    low, high, last = session.execute(
        select(func.min(Case.received_at), func.max(Case.received_at), func.max(Case.finished_at))
    ).one()
    if low is None:
        return [today.year]
    return list(range(low.year, max(high, last or high).year + 1))


def year_calendars(session: Session, years: list[int], calendar: WorkCalendar, language: str) -> list[YearCalendar]:
    """Each year's public holidays, imported days off and working weekend days, and working days a month."""
    overrides = session.execute(select(HolidayOverride.date, HolidayOverride.kind, HolidayOverride.name)).all()
    found = []
    for year in years:
        public = holidays.country_holidays("VN", years=year, language="vi" if language == "vi" else "en_US")
        mine = [(d, k, n or "") for d, k, n in overrides if d.year == year]
        months = [
            calendar.working_days_after(month.start.date() - ONE_DAY, month.last_day)
            for month in (Month(year, number) for number in range(1, 13))
        ]
        found.append(
            YearCalendar(
                year,
                [NamedDay(d, n) for d, n in sorted(public.items())],
                sorted((NamedDay(d, n) for d, k, n in mine if k == HolidayKind.OFF), key=lambda x: x.day),
                sorted((NamedDay(d, n) for d, k, n in mine if k == HolidayKind.WORK), key=lambda x: x.day),
                months,
            )
        )
    return found
