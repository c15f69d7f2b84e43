"""Cell parsers shared by the imports: columns by any accepted header, dates, times, flags."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import TypeVar

from app.clock import VIETNAM
from app.imports.errors import RowError
from app.late.rules import FIRST_YEAR, LAST_YEAR
from app.text import nfc

_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_TRUE = {"1", "true", "yes", "x", "có", "co", "đã", "da"}
_FALSE = {"", "0", "false", "no", "không", "khong", "chưa", "chua"}


def known_headers(headers: dict[str, tuple[str, ...]]) -> set[str]:
    """Every header name the file may use."""
    return {alias for aliases in headers.values() for alias in aliases}


def pick(row: dict, headers: dict[str, tuple[str, ...]]) -> dict:
    """Return the row's values by canonical column name, whichever accepted header it used."""
    lowered = {nfc(str(k)).lower(): v for k, v in row.items()}
    return {
        key: next((lowered[a] for a in aliases if lowered.get(a) not in (None, "")), None)
        for key, aliases in headers.items()
    }


def text(value) -> str:
    """The cell as clean text ("" when empty); whole numbers from spreadsheets lose their ".0"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(value if value is None else str(value))


def parse_date(value) -> dt.date | None:
    """Read an ISO or dd/mm/yyyy date; empty gives None."""
    moment = parse_moment(value)
    if moment is None:
        return None
    if moment[1]:
        raise RowError(f"cần một ngày, không kèm giờ: {text(value)!r}")
    return moment[0].date()


def parse_moment(value) -> tuple[dt.datetime, bool] | None:
    """Read a date or date-time as local time; return it and whether it carried a time.

    Accepts ISO dates and date-times (an offset is converted to Vietnam's time) and
    `dd/mm/yyyy[ HH:MM[:SS]]`. An impossible date such as 31/02/2023 is an error.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return in_years(_local(value)), value.time() != dt.time()
    if isinstance(value, dt.date):
        return dt.datetime.combine(in_years(value), dt.time()), False
    raw = text(value)
    if not raw:
        return None
    try:
        match = _VN_DATE.match(raw)
        if match:
            day, month, year, hour, minute, second = match.groups()
            moment = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
            return in_years(_local(moment)), hour is not None
        if len(raw) == 10:
            return dt.datetime.combine(in_years(dt.date.fromisoformat(raw)), dt.time()), False
        return in_years(_local(dt.datetime.fromisoformat(raw))), True
    except (ValueError, OverflowError):
        raise RowError(f"ngày giờ không hợp lệ: {raw!r} (yyyy-mm-dd[ HH:MM] hoặc dd/mm/yyyy[ HH:MM])") from None


def _local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(VIETNAM).replace(tzinfo=None)
    return moment


D = TypeVar("D", dt.date, dt.datetime)


def in_years(day: D) -> D:
    """The date or date-time itself if its year is one the application handles; else a RowError."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise RowError(f"năm ngoài khoảng cho phép ({FIRST_YEAR}–{LAST_YEAR}): {day.year}")
    return day


_WHOLE = re.compile(r"^[+-]?\d{1,19}(?:\.0*)?$")
# Integer columns hold 32 bits on PostgreSQL: the same bounds everywhere.
INT_MAX = 2**31 - 1


def parse_int(value, column: str, minimum: int = -INT_MAX - 1, maximum: int = INT_MAX) -> int | None:
    """Read a whole number (`2`, `2.0`, or a spreadsheet's 2.0) within [minimum, maximum]; empty
    gives None. Fractions, exponents, infinities and numbers out of range are errors naming the column."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RowError(f"{column} phải là một số nguyên, không phải {value!r}")
    if isinstance(value, float):
        number = int(value) if math.isfinite(value) and value.is_integer() else None
    elif isinstance(value, int):
        number = value
    else:
        raw = text(value)
        if not raw:
            return None
        number = int(raw.split(".")[0]) if _WHOLE.match(raw) else None
    if number is None:
        raise RowError(f"{column} phải là một số nguyên, không phải {text(value)[:40]!r}")
    if not minimum <= number <= maximum:
        raise RowError(f"{column} phải từ {minimum} đến {maximum}, không phải {number}")
    return number


def parse_flag(value, column: str) -> bool:
    """Read 1/0, true/false, có/không; anything else is an error naming the column."""
    raw = text(value).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise RowError(f"{column} phải là 1 hoặc 0, không phải {raw!r}")
