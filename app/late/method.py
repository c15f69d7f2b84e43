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
from app.late.rules import Deadline, Event, Month
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
