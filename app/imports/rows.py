"""Rows checked one by one, each rejection with its row number, then written all or nothing."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.imports.errors import ImportReport, Rejection, RowError
from app.imports.readers import Row, read_rows
from app.imports.values import known_headers, pick
from app.models import Agency


def validate(data: bytes | Iterable[Row], headers: dict, check: Callable[[dict], dict],
             key: Callable[[dict], object]) -> tuple[list[dict], ImportReport]:
    """Run `check` on every row of a file (or of rows already numbered, as the demo gives them).

    Returns the accepted records and a report holding the rejections: errors, and second rows
    with a natural key already seen.
    """
    rows = read_rows(bytes(data), known_headers(headers)) if isinstance(data, (bytes, bytearray)) else data
    accepted, rejected, seen = [], [], {}
    for number, row in rows:
        try:
            if "_invalid" in row:
                raise RowError("dòng không phải một bản ghi")
            record = check(pick(row, headers))
            natural = key(record)
            if natural in seen:
                raise RowError(f"trùng với dòng {seen[natural]}")
            seen[natural] = number
            accepted.append(record)
        except RowError as exc:
            rejected.append(Rejection(number, str(exc)))
    return accepted, ImportReport(rejected=rejected)


def apply_all_or_nothing(session: Session, report: ImportReport, skip_invalid: bool,
                         write: Callable[[], object]) -> ImportReport:
    """Write unless a row was rejected (or write the rest with `skip_invalid`); the caller commits."""
    if report.rejected and not skip_invalid:
        return report
    write()
    session.flush()
    report.applied = True
    return report


def agency_ids(session: Session) -> dict[str, int]:
    """Agency codes and their ids."""
    return dict(session.execute(select(Agency.code, Agency.id)).all())
