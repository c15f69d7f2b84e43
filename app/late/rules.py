"""The counting rules of SPEC §3 as plain functions: due moments, pauses for the applicant's
documents, early/on time/late, waiting for the applicant, asking twice, pending overdue at a
month's end, days late, and the officers responsible for a late file."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.catalogue.codes import TimeUnit
from app.late.calendar import ONE_DAY, WorkCalendar
from app.late.codes import EventKind

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

    @property
    def moment(self) -> dt.datetime:
        """The due moment: the given time, or the end of the day (the next midnight)."""
        if self.time is None:
            return dt.datetime.combine(self.day + ONE_DAY, dt.time())
        return dt.datetime.combine(self.day, self.time)

    def passed_before(self, cutoff: dt.datetime) -> bool:
        """Tell whether the due moment is already past at `cutoff` (the start of a day)."""
        if self.time is None:
            # The end of the due day is the start of the next one.
            return dt.datetime.combine(self.day + ONE_DAY, dt.time()) < cutoff
        return dt.datetime.combine(self.day, self.time) < cutoff


# The years a date of this application may fall in: imports refuse dates outside them, and a month
# outside them names nothing (a page asked for 9999-12 is a bad parameter, not a crash).
FIRST_YEAR, LAST_YEAR = 1900, 2200


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
        if not 1 <= month.month <= 12 or not FIRST_YEAR <= month.year <= LAST_YEAR:
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
        return self.plus(1)

    def plus(self, months: int) -> Month:
        """The month `months` later (earlier when negative)."""
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

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


@dataclass(frozen=True)
class Event:
    """One imported event of a file (SPEC §3): `kind` an EventKind, at a local moment."""

    kind: str
    at: dt.datetime
    reason: str | None = None
    new_due: Deadline | None = None


@dataclass(frozen=True)
class Pauses:
    """A file's supplement history as it stood at some moment."""

    # Working days the completed pauses add to the due day.
    shift: int = 0
    # The last request when no receipt followed it: the file waits for the applicant since then.
    waiting_since: dt.datetime | None = None
    # How many times the agency asked for documents.
    requests: int = 0


NO_PAUSES = Pauses()


def pauses(calendar: WorkCalendar, events: Iterable[Event], until: dt.datetime, before: bool = False) -> Pauses:
    """Walk the supplement events at or before `until` (strictly before when `before`), in time order.

    A pause runs from the first request not yet answered to the next receipt and adds the working
    days after the request's day up to and including the receipt's day; a receipt with no open
    request changes nothing.
    """
    shift, requests = 0, 0
    opened: dt.datetime | None = None
    last_request: dt.datetime | None = None
    for event in sorted(events, key=lambda e: e.at):
        if event.at > until or (before and event.at == until):
            break
        if event.kind == EventKind.SUPPLEMENT_REQUESTED:
            requests += 1
            last_request = event.at
            if opened is None:
                opened = event.at
        elif event.kind == EventKind.SUPPLEMENT_RECEIVED and opened is not None:
            shift += calendar.working_days_after(opened.date(), event.at.date())
            opened = last_request = None
    return Pauses(shift, last_request, requests)


def shifted(calendar: WorkCalendar, deadline: Deadline, days: int) -> Deadline:
    """The deadline moved `days` working days later (to the `days`-th working day after its day),
    its time of day kept."""
    if days <= 0:
        return deadline
    day = deadline.day
    while days > 0:
        day += ONE_DAY
        if calendar.is_working_day(day):
            days -= 1
    return Deadline(day, deadline.time)


@dataclass(frozen=True)
class Judgement:
    """How a resolved file is counted."""

    outcome: str
    deadline: Deadline  # the effective due moment
    judged_at: dt.datetime  # when it finished, or the request it was waiting on
    days_late: int  # 0 unless late
    supplements: int  # requests for documents before it finished
    repeat_supplement: bool  # asked more than once: late whatever its dates


def judge(calendar: WorkCalendar, deadline: Deadline, finished: dt.datetime, events: Sequence[Event] = ()) -> Judgement:
    """Judge a file finished at `finished` against its promise `deadline` and its events."""
    history = pauses(calendar, events, finished)
    effective = shifted(calendar, deadline, history.shift)
    judged_at = history.waiting_since or finished
    result = outcome(effective, judged_at)
    repeat = history.requests > 1
    if repeat:
        result = LATE
    late_by = days_late(calendar, effective, judged_at) if result == LATE else 0
    return Judgement(result, effective, judged_at, late_by, history.requests, repeat)


@dataclass(frozen=True)
class MonthEnd:
    """A file's state at the end of a month: pending (received, not finished), and if so waiting
    for the applicant or overdue (never both)."""

    pending: bool = False
    waiting: bool = False
    overdue: bool = False


def month_end(
    calendar: WorkCalendar,
    received: dt.datetime,
    finished: dt.datetime | None,
    deadline: Deadline | None,
    month: Month,
    events: Sequence[Event] = (),
) -> MonthEnd:
    """The file's state at the end of `month`, from the events before then."""
    cutoff = month.cutoff
    if received >= cutoff or (finished is not None and finished < cutoff):
        return MonthEnd()
    history = pauses(calendar, events, cutoff, before=True) if events else NO_PAUSES
    if history.waiting_since is not None:
        return MonthEnd(pending=True, waiting=True)
    overdue = deadline is not None and shifted(calendar, deadline, history.shift).passed_before(cutoff)
    return MonthEnd(pending=True, overdue=overdue)


def latest(events: Iterable[Event], kind: str) -> Event | None:
    """The last event of `kind`, by its moment."""
    found = None
    for event in events:
        if event.kind == kind and (found is None or event.at >= found.at):
            found = event
    return found


def apologised(flag: bool, events: Iterable[Event]) -> bool:
    """Whether an apology was sent: the file's `apology_sent` column or an `apology_sent` event."""
    return bool(flag) or any(e.kind == EventKind.APOLOGY_SENT for e in events)


def national_rate(early: int, on_time: int, resolved: int, pending: int, pending_overdue: int) -> float | None:
    """Indicator 2.1 of Quyết định 766/QĐ-TTg: (finished on time or early + pending within time at the
    end) / (resolved + pending at the end) × 100, to one decimal."""
    return percent(early + on_time + pending - pending_overdue, resolved + pending)


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
