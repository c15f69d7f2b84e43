"""`import officers` (`officer_code,officer_name,officer_title,agency_code`) and `import holidays`
(`date,name,kind`)."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.imports.bulk import upsert
from app.imports.errors import ImportReport, Rejection, RowError
from app.imports.readers import Row, read_rows
from app.imports.values import known_headers, parse_date, pick, text
from app.late.calendar import OFF, WORK
from app.models import Agency, HolidayOverride, Officer

OFFICER_HEADERS = {
    "officer_code": ("officer_code", "ma_can_bo", "mã cán bộ"),
    "officer_name": ("officer_name", "ten_can_bo", "ho_ten", "tên cán bộ", "họ tên", "họ và tên"),
    "officer_title": ("officer_title", "chuc_vu", "chức vụ"),
    "agency_code": ("agency_code", "ma_co_quan", "mã cơ quan"),
}
HOLIDAY_HEADERS = {
    "date": ("date", "ngay", "ngày"),
    "name": ("name", "ten", "tên", "ten_ngay", "tên ngày"),
    "kind": ("kind", "loai", "loại"),
}
KINDS = {"off": OFF, "nghi": OFF, "nghỉ": OFF, "work": WORK, "lam": WORK, "làm": WORK,
         "lam bu": WORK, "làm bù": WORK}


def rows_of(data: bytes | Iterable[Row], headers: dict) -> Iterable[Row]:
    """Numbered rows from file bytes, or rows already numbered (the demo generator's)."""
    if isinstance(data, (bytes, bytearray)):
        return read_rows(bytes(data), known_headers(headers))
    return data


def validate_rows(rows: Iterable[Row], headers: dict, check: Callable[[dict], dict],
                  key: Callable[[dict], object]) -> tuple[list[dict], list[Rejection]]:
    """Run `check` on every row; reject errors and second rows with the same natural key."""
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
    return accepted, rejected


def agency_ids(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Agency.code, Agency.id)).all())


def import_officers(session: Session, data, skip_invalid: bool = False) -> ImportReport:
    """Import officers all or nothing; the officer code is the natural key."""
    agencies = agency_ids(session)

    def check(values: dict) -> dict:
        code, name = text(values["officer_code"]), text(values["officer_name"])
        if not code:
            raise RowError("thiếu mã cán bộ (officer_code)")
        if not name:
            raise RowError("thiếu họ tên cán bộ (officer_name)")
        agency = text(values["agency_code"])
        if agency and agency not in agencies:
            raise RowError(f"không có cơ quan mã {agency}")
        return {"code": code, "name": name, "title": text(values["officer_title"]) or None,
                "agency_id": agencies.get(agency)}

    accepted, rejected = validate_rows(rows_of(data, OFFICER_HEADERS), OFFICER_HEADERS, check,
                                       lambda r: r["code"])
    return _apply(session, Officer.__table__, accepted, rejected, ("code",), skip_invalid)


def import_holidays(session: Session, data, skip_invalid: bool = False) -> ImportReport:
    """Import days off and working weekend days; the date is the natural key."""

    def check(values: dict) -> dict:
        day = parse_date(values["date"])
        if day is None:
            raise RowError("thiếu ngày (date)")
        kind = KINDS.get(text(values["kind"]).lower())
        if kind is None:
            raise RowError(f"loại phải là off (nghỉ) hoặc work (làm bù), không phải {text(values['kind'])!r}")
        return {"date": day, "name": text(values["name"]) or None, "kind": kind}

    accepted, rejected = validate_rows(rows_of(data, HOLIDAY_HEADERS), HOLIDAY_HEADERS, check,
                                       lambda r: r["date"])
    return _apply(session, HolidayOverride.__table__, accepted, rejected, ("date",), skip_invalid)


def _apply(session: Session, table, accepted: list[dict], rejected: list[Rejection], key: tuple,
           skip_invalid: bool) -> ImportReport:
    report = ImportReport(rejected=rejected)
    if rejected and not skip_invalid:
        return report
    try:
        upsert(session, table, accepted, key, report)
        session.commit()
    except Exception:
        session.rollback()
        raise
    report.applied = True
    return report
