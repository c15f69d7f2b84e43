"""Cell parsers shared by the imports: columns by any accepted header, dates, times, flags."""

from __future__ import annotations

import datetime as dt
import re

from app.clock import VIETNAM
from app.imports.errors import RowError
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
        return _local(value), value.time() != dt.time()
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time()), False
    raw = text(value)
    if not raw:
        return None
    try:
        match = _VN_DATE.match(raw)
        if match:
            day, month, year, hour, minute, second = match.groups()
            moment = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
            return _local(moment), hour is not None
        if len(raw) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(raw), dt.time()), False
        return _local(dt.datetime.fromisoformat(raw)), True
    except ValueError:
        raise RowError(f"ngày giờ không hợp lệ: {raw!r} (yyyy-mm-dd[ HH:MM] hoặc dd/mm/yyyy[ HH:MM])") from None


def _local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(VIETNAM).replace(tzinfo=None)
    if not 1900 <= moment.year <= 2200:
        raise RowError(f"năm ngoài khoảng cho phép: {moment.year}")
    return moment


def parse_flag(value, column: str) -> bool:
    """Read 1/0, true/false, có/không; anything else is an error naming the column."""
    raw = text(value).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise RowError(f"{column} phải là 1 hoặc 0, không phải {raw!r}")
