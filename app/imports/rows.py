"""Rows checked one by one, each rejection with its row number, then written all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.imports.errors import ImportReport, Rejection, RowError
from app.imports.readers import Row, read_rows
from app.imports.values import known_headers, pick
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
) -> tuple[list[tuple[int, R]], ImportReport]:
    """Run `check` on every row of a file (or of rows already numbered, as the demo gives them).

    `check` gets the row's values by canonical column (`headers`), or the raw record when
    `headers` is None (nested JSON records), and returns what to import or raises RowError.
    Returns the accepted (row number, record) pairs and a report holding the rejections: errors,
    and second rows with a natural key already seen (named by `code`, or by the key itself when
    it is text).
    """
    rows: Iterable[Row]
    if isinstance(data, (bytes, bytearray)):
        rows = read_rows(bytes(data), known if known is not None else known_headers(headers or {}))
    else:
        rows = data
    accepted: list[tuple[int, R]] = []
    rejected: list[Rejection] = []
    seen: dict[object, int] = {}
    for number, row in rows:
        try:
            if "_invalid" in row:
                raise RowError(f"dòng không phải một bản ghi: {str(row['_invalid'])[:60]}")
            record = check(pick(row, headers) if headers is not None else row)
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
