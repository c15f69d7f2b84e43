"""The counting rules of SPEC §3 as plain functions: due moments, early/on time/late, pending
overdue at a month's end, days late, and the officers responsible for a late file."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from app.catalogue.codes import TimeUnit
from app.late.calendar import ONE_DAY, WorkCalendar

EARLY, ON_TIME, LATE = "early", "on_time", "late"


@dataclass(frozen=True)
class Deadline:
    """A due day, with a time when the promise names one; otherwise the end of that day."""

    day: dt.date
    time: dt.time | None = None

    @classmethod
    def of(cls, moment: dt.datetime, has_time: bool) -> Deadline:
        """Build a deadline from a stored date-time and whether it carried a time."""
        return cls(moment.date(), moment.time() if has_time else None)

    def missed_by(self, finished: dt.datetime) -> bool:
        """Tell whether finishing at `finished` is after the due moment."""
        if self.time is None:
            return finished.date() > self.day
        return finished > dt.datetime.combine(self.day, self.time)

    def passed_before(self, cutoff: dt.datetime) -> bool:
        """Tell whether the due moment is already past at `cutoff` (the start of a day)."""
        if self.time is None:
            # The end of the due day is the start of the next one.
            return dt.datetime.combine(self.day + ONE_DAY, dt.time()) < cutoff
        return dt.datetime.combine(self.day, self.time) < cutoff


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """Read `YYYY-MM`; raise ValueError for anything else."""
        if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit():
            raise ValueError(text)
        month = cls(int(text[:4]), int(text[5:]))
        if not 1 <= month.month <= 12 or month.year < 1900:
            raise ValueError(text)
        return month

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> dt.datetime:
        return dt.datetime(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, _calendar.monthrange(self.year, self.month)[1])

    @property
    def cutoff(self) -> dt.datetime:
        """The first moment after the month: "by the end of M" means before this."""
        return dt.datetime.combine(self.last_day + ONE_DAY, dt.time())

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def through(self, last: Month) -> list[Month]:
        """Return the months from this one to `last`, both included."""
        months, month = [], self
        while (month.year, month.month) <= (last.year, last.month):
            months.append(month)
            month = month.next()
        return months


def computed_deadline(
    calendar: WorkCalendar, received: dt.datetime, value: float | None, unit: str | None
) -> Deadline | None:
    """Due date from a processing time; None when the time is missing or in an unknown unit."""
    if value is None or value < 0:
        return None
    if unit == TimeUnit.WORKING_DAY:
        # Part of a working day still ends on a working day: round up, never down.
        return Deadline(calendar.add_working_days(received.date(), math.ceil(value)))
    if unit == TimeUnit.DAY:
        return Deadline(received.date() + dt.timedelta(days=math.ceil(value)))
    if unit == TimeUnit.WEEK:
        return Deadline(received.date() + dt.timedelta(days=math.ceil(value * 7)))
    if unit == TimeUnit.HOUR:
        moment = received + dt.timedelta(hours=value)
        return Deadline(moment.date(), moment.time())
    if unit in (TimeUnit.MONTH, TimeUnit.YEAR):
        months = math.ceil(value * (12 if unit == TimeUnit.YEAR else 1))
        return Deadline(_add_months(received.date(), months))
    return None


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def outcome(deadline: Deadline, finished: dt.datetime) -> str:
    """Classify a resolved file: late after the due moment, early before the due day, else on time."""
    if deadline.missed_by(finished):
        return LATE
    if finished.date() < deadline.day:
        return EARLY
    return ON_TIME


def days_late(calendar: WorkCalendar, deadline: Deadline, finished: dt.datetime) -> int:
    """Working days after the due day up to and including the finishing day; at least 1."""
    return max(1, calendar.working_days_after(deadline.day, finished.date()))


def pending_overdue(received: dt.datetime, finished: dt.datetime | None, deadline: Deadline, month: Month) -> bool:
    """Tell whether a file was received, unfinished and past its due moment at the end of `month`."""
    cutoff = month.cutoff
    if received >= cutoff:
        return False
    if finished is not None and finished < cutoff:
        return False
    return deadline.passed_before(cutoff)


@dataclass(frozen=True)
class StepFacts:
    officer_code: str
    deadline: Deadline | None
    finished: dt.datetime | None


def responsible_officers(
    calendar: WorkCalendar, steps: Iterable[StepFacts], officer_code: str | None, file_days_late: int
) -> dict[str, int]:
    """Officers answerable for one late file, each with the days late charged to them.

    The officers of its late steps, with their steps' days late; when no step is late, the
    file's own officer with the file's days late.
    """
    charged: dict[str, int] = {}
    for step in steps:
        if step.deadline is not None and step.finished is not None and step.deadline.missed_by(step.finished):
            charged[step.officer_code] = charged.get(step.officer_code, 0) + days_late(
                calendar, step.deadline, step.finished
            )
    if not charged and officer_code:
        charged[officer_code] = file_days_late
    return charged


def on_time_rate(early: int, on_time: int, resolved: int) -> float | None:
    """(early + on time) / resolved × 100 to one decimal; None when nothing was resolved."""
    return percent(early + on_time, resolved)


def percent(part: int, whole: int) -> float | None:
    """`part` of `whole` in percent to one decimal, halves rounded up, in exact integer arithmetic."""
    if not whole:
        return None
    tenths = (part * 2000 + whole) // (2 * whole)
    return tenths / 10


# computed_deadline knows every unit of the list.
COMPUTABLE_UNITS = frozenset(TimeUnit)
