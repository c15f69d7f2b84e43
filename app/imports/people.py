"""`import officers` (`officer_code,officer_name,officer_title,agency_code`) and `import holidays`
(`date,name,kind`)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.imports.bulk import upsert
from app.imports.errors import ImportReport, RowError
from app.imports.rows import Columns, agency_ids, apply_all_or_nothing, records, validate
from app.imports.values import parse_date, text
from app.late.codes import HolidayKind
from app.models import HolidayOverride, Officer

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
# The sources' spellings of a kind, compared without diacritics (besides the codes and the labels).
KIND_WORDS = {"nghi": HolidayKind.OFF, "lam": HolidayKind.WORK, "lam bu": HolidayKind.WORK}


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
        return {
            "code": code,
            "name": name,
            "title": text(values["officer_title"]) or None,
            "agency_id": agencies.get(agency),
        }

    checked, report = validate(data, OFFICER_HEADERS, check, lambda r: r["code"], columns=Columns.of(Officer.__table__))
    accepted = records(checked)
    return apply_all_or_nothing(
        session, report, skip_invalid, lambda: upsert(session, Officer.__table__, accepted, ("code",), report)
    )


def import_holidays(session: Session, data, skip_invalid: bool = False) -> ImportReport:
    """Import days off and working weekend days; the date is the natural key."""

    def check(values: dict) -> dict:
        day = parse_date(values["date"])
        if day is None:
            raise RowError("thiếu ngày (date)")
        spelled = text(values["kind"])
        kind = HolidayKind.read(spelled, KIND_WORDS)
        if kind is None:
            raise RowError(f"loại phải là off (nghỉ) hoặc work (làm bù), không phải {text(values['kind'])!r}")
        return {"date": day, "name": text(values["name"]) or None, "kind": kind}

    checked, report = validate(
        data, HOLIDAY_HEADERS, check, lambda r: r["date"], columns=Columns.of(HolidayOverride.__table__)
    )
    accepted = records(checked)
    return apply_all_or_nothing(
        session, report, skip_invalid, lambda: upsert(session, HolidayOverride.__table__, accepted, ("date",), report)
    )
