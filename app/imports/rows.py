"""Rows checked one by one, each rejection with its row number, then written all or nothing."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from sqlalchemy import BigInteger, FromClause, Integer, SmallInteger, String, select
from sqlalchemy.orm import Session

from app.imports import progress
from app.imports.errors import ImportReport, Rejection, RowError
from app.imports.readers import Row, Unreadable, read_rows
from app.imports.values import in_years, known_headers, pick
from app.models import Agency

# What `check` makes of a row, handed on to `key` and `code`.
R = TypeVar("R")


def validate(
    data: bytes | Iterable[Row],
    headers: dict | None,
    check: Callable[[dict], R],
    key: Callable[[R], object],
    known: set[str] | None = None,
    code: Callable[[R], str] | None = None,
    columns: Columns | None = None,
) -> tuple[list[tuple[int, R]], ImportReport]:
    """Run `check` on every row of a file (or of rows already numbered, as the demo gives them).

    `check` gets the row's values by canonical column (`headers`), or the raw record when
    `headers` is None (nested JSON records), and returns what to import or raises RowError; what
    it returns must then fit `columns`, the columns its keys are written to (NUL is refused in
    any text). Returns the accepted (row number, record) pairs and a report holding the
    rejections: errors, and second rows with a natural key already seen (named by `code`, or by
    the key itself when it is text).
    """
    columns = columns or Columns({})
    rows: Iterable[Row]
    if isinstance(data, (bytes, bytearray)):
        progress.tell("reading", 0)
        rows = read_rows(bytes(data), known if known is not None else known_headers(headers or {}))
    else:
        rows = data
    accepted: list[tuple[int, R]] = []
    rejected: list[Rejection] = []
    seen: dict[object, int] = {}
    total = len(rows) if isinstance(rows, list) else None
    for index, (number, row) in enumerate(rows):
        if index % progress.EVERY == 0:
            progress.tell("checking", index, total)
        try:
            if isinstance(row, Unreadable):
                raise RowError(row.reason)
            if "_invalid" in row:
                raise RowError(f"dòng không phải một bản ghi: {str(row['_invalid'])[:60]}")
            record = check(pick(row, headers) if headers is not None else row)
            columns.check(record)
            natural = key(record)
            if natural in seen:
                name = code(record) if code else natural if isinstance(natural, str) else None
                raise RowError(
                    f"mã {name} trùng với dòng {seen[natural]}" if name else f"trùng với dòng {seen[natural]}"
                )
            seen[natural] = number
            accepted.append((number, record))
        except RowError as exc:
            rejected.append(Rejection(number, str(exc)))
    return accepted, ImportReport(rejected=rejected)


def records(accepted: list) -> list:
    """The records of validated (row number, record) pairs."""
    return [record for _number, record in accepted]


def apply_all_or_nothing(
    session: Session, report: ImportReport, skip_invalid: bool, write: Callable[[], object]
) -> ImportReport:
    """Write unless a row was rejected (or write the rest with `skip_invalid`); the caller commits."""
    if report.rejected and not skip_invalid:
        return report
    write()
    session.flush()
    report.applied = True
    return report


def agency_ids(session: Session) -> dict[str, int]:
    """Agency codes and their ids."""
    return dict(session.execute(select(Agency.code, Agency.id)).tuples().all())


class Columns:
    """The database columns a record's keys are written to (a nested record's keys map to a nested
    Columns), checked before the write so that SQLite and PostgreSQL answer alike, with the row:
    text within its String length and without NUL, integers within their column's range, floats
    finite, dates within the years the application handles."""

    def __init__(self, columns: Mapping[str, Any]):
        self.lengths: dict[str, int] = {}
        self.ranges: dict[str, int] = {}
        self.nested: dict[str, Columns] = {}
        for key, column in columns.items():
            if isinstance(column, Columns):
                self.nested[key] = column
            elif isinstance(column.type, String) and column.type.length:
                self.lengths[key] = column.type.length
            elif isinstance(column.type, Integer):
                self.ranges[key] = _INTEGER_BITS.get(type(column.type), 31)

    @classmethod
    def of(cls, table: FromClause, prefix: str = "", **nested: Columns) -> Columns:
        """The columns of `table`, keyed by their names after `prefix`, with nested records."""
        return cls({f"{prefix}{c.name}": c for c in table.columns} | nested)

    def __or__(self, other: Columns) -> Columns:
        merged = Columns({})
        for part in (self, other):
            merged.lengths.update(part.lengths)
            merged.ranges.update(part.ranges)
            merged.nested.update(part.nested)
        return merged

    def check(self, value, key: str | None = None) -> None:
        """Raise RowError naming the first value of `value` its column would refuse."""
        if isinstance(value, dict):
            for name, item in value.items():
                kind = type(item)
                bits = self.ranges.get(name)
                if bits is not None and item is not None and kind is not bool:
                    _whole_within(name, item, bits)
                elif kind is str:
                    if "\x00" in item:
                        raise RowError(f"{name} chứa ký tự NUL (\\0)")
                    length = self.lengths.get(name)
                    if length is not None and len(item) > length:
                        raise RowError(f"{name} dài {len(item)} ký tự, cột chỉ chứa {length}")
                elif item is not None and kind is not bool and kind is not int:
                    self.nested.get(name, _ANY).check(item, name)
        elif isinstance(value, list | tuple):
            for item in value:
                self.check(item, key)
        elif isinstance(value, str):
            if "\x00" in value:
                raise RowError(f"{key or 'một giá trị'} chứa ký tự NUL (\\0)")
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise RowError(f"{key or 'một giá trị'} không phải một số hữu hạn: {value}")
        elif isinstance(value, dt.date):
            in_years(value)


def _whole_within(name: str, item, bits: int) -> None:
    """An integer column takes a whole number within its range: an int, a whole float (a
    spreadsheet's 2.0) or digits; PostgreSQL refuses anything else at write, SQLite would keep it."""
    whole = (
        isinstance(item, int)
        or (isinstance(item, float) and math.isfinite(item) and item.is_integer())
        or (isinstance(item, str) and _DIGITS.match(item) is not None)
    )
    if not whole:
        raise RowError(f"{name} phải là một số nguyên, không phải {str(item)[:40]!r}")
    number = int(item)
    if not -(2**bits) <= number < 2**bits:
        raise RowError(f"{name} = {number} vượt quá giới hạn của cột")


_DIGITS = re.compile(r"^[+-]?\d{1,30}$")
_INTEGER_BITS = {BigInteger: 63, SmallInteger: 15, Integer: 31}
_ANY = Columns({})
