"""Working days: Monday to Friday, less Vietnam's public holidays and imported days off, plus
imported working weekend days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import holidays

from app.late.codes import HolidayKind

ONE_DAY = dt.timedelta(days=1)


class WorkCalendar:
    """Answers "is this a working day" and counts working days, caching each day it has seen."""

    def __init__(self, overrides: Mapping[dt.date, str] | None = None):
        self._overrides = dict(overrides or {})
        self._public = holidays.country_holidays("VN")
        self._cache: dict[dt.date, bool] = {}

    def is_working_day(self, day: dt.date) -> bool:
        """Tell whether `day` is a working day."""
        known = self._cache.get(day)
        if known is None:
            kind = self._overrides.get(day)
            if kind is not None:
                known = kind == HolidayKind.WORK
            else:
                known = day.weekday() < 5 and day not in self._public
            self._cache[day] = known
        return known

    def next_working_day(self, day: dt.date) -> dt.date:
        """Return `day` itself when it is a working day, otherwise the next working day."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """Return the `count`-th working day after the effective day (`day` or the next working day)."""
        day = self.next_working_day(day)
        while count > 0:
            day += ONE_DAY
            if self.is_working_day(day):
                count -= 1
        return day

    def subtract_working_days(self, day: dt.date, count: int) -> dt.date:
        """Return the working day `count` working days before `day` (a working day itself)."""
        while count > 0:
            day -= ONE_DAY
            if self.is_working_day(day):
                count -= 1
        return day

    def working_days_after(self, start: dt.date, end: dt.date) -> int:
        """Count the working days after `start` up to and including `end`."""
        count, day = 0, start + ONE_DAY
        while day <= end:
            count += self.is_working_day(day)
            day += ONE_DAY
        return count
