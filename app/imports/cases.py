"""`import cases`, `import steps` and `import events` (SPEC §3): case files, their processing steps, and
what happened to them between receipt and result."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.imports.bulk import existing_rows, upsert
from app.imports.errors import ImportReport, RowError
from app.imports.people import OFFICER_HEADERS
from app.imports.rows import Columns, agency_ids, apply_all_or_nothing, records, validate
from app.imports.values import parse_flag, parse_int, parse_moment, text
from app.late.codes import CaseStatus, EventKind
from app.late.rules import COMPUTABLE_UNITS
from app.late.store import processing_times
from app.models import Case, CaseEvent, Officer, Step

CASE_HEADERS = {
    "case_code": ("case_code", "ma_ho_so", "mã hồ sơ"),
    "procedure_code": ("procedure_code", "ma_thu_tuc", "mã thủ tục"),
    "agency_code": ("agency_code", "ma_co_quan", "mã cơ quan"),
    "received_at": ("received_at", "ngay_tiep_nhan", "ngày tiếp nhận"),
    "due_at": ("due_at", "ngay_hen_tra", "ngày hẹn trả"),
    "finished_at": ("finished_at", "ngay_tra_ket_qua", "ngày trả kết quả"),
    "status": ("status", "trang_thai", "trạng thái"),
    "apology_sent": ("apology_sent", "da_xin_loi", "đã xin lỗi"),
    "officer_code": ("officer_code", "ma_can_bo", "mã cán bộ"),
}
STEP_HEADERS = {
    "case_code": ("case_code", "ma_ho_so", "mã hồ sơ"),
    "step_no": ("step_no", "buoc", "bước", "so_buoc", "số bước"),
    **OFFICER_HEADERS,  # a step's officer is created or updated from the same columns
    "started_at": ("started_at", "ngay_bat_dau", "ngày bắt đầu"),
    "due_at": ("due_at", "han_xu_ly", "hạn xử lý", "ngay_hen", "ngày hẹn"),
    "finished_at": ("finished_at", "ngay_hoan_thanh", "ngày hoàn thành"),
}
EVENT_HEADERS = {
    "case_code": ("case_code", "ma_ho_so", "mã hồ sơ"),
    "event": ("event", "su_kien", "sự kiện"),
    "at": ("at", "thoi_diem", "thời điểm"),
    "reason": ("reason", "ly_do", "lý do"),
    "new_due_at": ("new_due_at", "ngay_hen_moi", "ngày hẹn mới"),
}
# The Vietnamese event names (SPEC §3), compared without diacritics, with underscores or spaces.
EVENT_WORDS = {
    spelling: kind
    for name, kind in (
        ("yeu_cau_bo_sung", EventKind.SUPPLEMENT_REQUESTED),
        ("da_bo_sung", EventKind.SUPPLEMENT_RECEIVED),
        ("hen_lai", EventKind.RESCHEDULED),
        ("xin_loi", EventKind.APOLOGY_SENT),
        ("giai_trinh", EventKind.EXPLAINED),
    )
    for spelling in (name, name.replace("_", " "))
}
# A step's record: the step's columns, and its officer's (created or updated) under `officer_`.
STEP_COLUMNS = Columns.of(Step.__table__) | Columns.of(Officer.__table__, prefix="officer_")
# The sources' spellings of a status, compared without diacritics (besides the codes and the labels).
STATUS_WORDS = {"rut": CaseStatus.WITHDRAWN, "tu choi": CaseStatus.REJECTED, "tu_choi": CaseStatus.REJECTED}


def import_cases(session: Session, data, skip_invalid: bool = False) -> ImportReport:
    """Import case files all or nothing; the case code is the natural key."""
    agencies = agency_ids(session)
    times = processing_times(session)
    unknown_procedures: set[str] = set()

    def check(values: dict) -> dict:
        code, agency = text(values["case_code"]), text(values["agency_code"])
        if not code:
            raise RowError("thiếu mã hồ sơ (case_code)")
        if not agency:
            raise RowError("thiếu mã cơ quan (agency_code)")
        if agency not in agencies:
            raise RowError(f"không có cơ quan mã {agency}")
        received = parse_moment(values["received_at"])
        if received is None:
            raise RowError("thiếu ngày tiếp nhận (received_at)")
        due, finished = parse_moment(values["due_at"]), parse_moment(values["finished_at"])
        if finished and finished[0] < received[0]:
            raise RowError("ngày trả kết quả trước ngày tiếp nhận")
        if due and due[0].date() < received[0].date():
            raise RowError("ngày hẹn trả trước ngày tiếp nhận")
        procedure = text(values["procedure_code"]) or None
        if procedure and procedure not in times:
            unknown_procedures.add(procedure)
        if due is None:
            value, unit = times.get(procedure, (None, None)) if procedure else (None, None)
            if value is None or unit not in COMPUTABLE_UNITS:
                raise RowError(
                    "thiếu ngày hẹn trả (due_at) và không tính được từ thời hạn giải quyết"
                    f" của thủ tục {procedure or '(không ghi)'}"
                )
        status_text = text(values["status"]).lower()
        status = CaseStatus.read(status_text, STATUS_WORDS)
        if status_text and status is None:
            raise RowError(f"trạng thái phải để trống, withdrawn hoặc rejected, không phải {status_text!r}")
        return {
            "code": code,
            "procedure_code": procedure,
            "agency_id": agencies[agency],
            "received_at": received[0],
            "due_at": due[0] if due else None,
            "due_has_time": bool(due and due[1]),
            "finished_at": finished[0] if finished else None,
            "status": status,
            "apology_sent": parse_flag(values["apology_sent"], "apology_sent"),
            "officer_code": text(values["officer_code"]) or None,
        }

    checked, report = validate(data, CASE_HEADERS, check, lambda r: r["code"], columns=Columns.of(Case.__table__))
    accepted = records(checked)
    if unknown_procedures:
        sample = ", ".join(sorted(unknown_procedures)[:5])
        report.warnings.append(f"{len(unknown_procedures)} mã thủ tục chưa có trong danh mục, vẫn giữ: {sample}")
    return apply_all_or_nothing(
        session, report, skip_invalid, lambda: upsert(session, Case.__table__, accepted, ("code",), report)
    )


# The columns a step record has, in `import_steps`'s write.
STEP_FIELDS = ("case_id", "step_no", "officer_id", "agency_id", "started_at", "due_at", "due_has_time", "finished_at")


def import_steps(session: Session, data, skip_invalid: bool = False) -> ImportReport:
    """Import processing steps all or nothing, creating or updating their officers."""
    agencies = agency_ids(session)
    cases = dict(session.execute(select(Case.code, Case.id)).tuples().all())
    officers = {
        code: {"code": code, "name": name, "title": title, "agency_id": agency}
        for code, name, title, agency in session.execute(
            select(Officer.code, Officer.name, Officer.title, Officer.agency_id)
        )
    }

    def check(values: dict) -> dict:
        case = text(values["case_code"])
        if not case:
            raise RowError("thiếu mã hồ sơ (case_code)")
        if case not in cases:
            raise RowError(f"không có hồ sơ mã {case}: nhập hồ sơ (import cases) trước")
        step_no = parse_int(values["step_no"], "bước (step_no)", minimum=1)
        if step_no is None:
            raise RowError("thiếu bước (step_no)")
        officer, name = text(values["officer_code"]), text(values["officer_name"])
        if not officer:
            raise RowError("thiếu mã cán bộ (officer_code)")
        if not name and officer not in officers:
            raise RowError(f"cán bộ mới {officer} cần họ tên (officer_name)")
        agency = text(values["agency_code"])
        if agency and agency not in agencies:
            raise RowError(f"không có cơ quan mã {agency}")
        started, due = parse_moment(values["started_at"]), parse_moment(values["due_at"])
        finished = parse_moment(values["finished_at"])
        if started and finished and finished[0] < started[0]:
            raise RowError("ngày hoàn thành trước ngày bắt đầu")
        return {
            "case_id": cases[case],
            "step_no": step_no,
            "officer_code": officer,
            "officer_name": name,
            "officer_title": text(values["officer_title"]) or None,
            "agency_id": agencies.get(agency),
            "started_at": started[0] if started else None,
            "due_at": due[0] if due else None,
            "due_has_time": bool(due and due[1]),
            "finished_at": finished[0] if finished else None,
        }

    checked, report = validate(data, STEP_HEADERS, check, lambda r: (r["case_id"], r["step_no"]), columns=STEP_COLUMNS)
    accepted = records(checked)

    def write() -> None:
        # Every read before the first write (the steps already there), so that the write lock is
        # held only while writing.
        existing_steps = existing_rows(session, Step.__table__, STEP_FIELDS, ("case_id", "step_no"))
        officer_ids = upsert(session, Officer.__table__, _officers_of(accepted, officers), ("code",), ids=True)
        steps = [
            {
                "case_id": r["case_id"],
                "step_no": r["step_no"],
                "officer_id": officer_ids[(r["officer_code"],)],
                "agency_id": r["agency_id"],
                "started_at": r["started_at"],
                "due_at": r["due_at"],
                "due_has_time": r["due_has_time"],
                "finished_at": r["finished_at"],
            }
            for r in accepted
        ]
        upsert(session, Step.__table__, steps, ("case_id", "step_no"), report, existing_steps)

    return apply_all_or_nothing(session, report, skip_invalid, write)


def _officers_of(rows: list[dict], known: dict[str, dict]) -> list[dict]:
    """One record per officer named in the steps; the last row that gives a detail wins."""
    merged: dict[str, dict] = {}
    for row in rows:
        code = row["officer_code"]
        officer = merged.setdefault(
            code, dict(known.get(code) or {"code": code, "name": None, "title": None, "agency_id": None})
        )
        for target, source in (("name", "officer_name"), ("title", "officer_title"), ("agency_id", "agency_id")):
            if row[source]:
                officer[target] = row[source]
    return list(merged.values())


def import_events(session: Session, data, skip_invalid: bool = False) -> ImportReport:
    """Import case events all or nothing; `(case_code, event, at)` is the natural key."""
    cases = {
        code: (case_id, received)
        for code, case_id, received in session.execute(select(Case.code, Case.id, Case.received_at))
    }

    def check(values: dict) -> dict:
        code = text(values["case_code"])
        if not code:
            raise RowError("thiếu mã hồ sơ (case_code)")
        if code not in cases:
            raise RowError(f"không có hồ sơ mã {code}: nhập hồ sơ (import cases) trước")
        name = text(values["event"])
        kind = EventKind.read(name, EVENT_WORDS)
        if kind is None:
            raise RowError(f"sự kiện (event) {name!r} không thuộc: {', '.join(EventKind.codes())}")
        at = parse_moment(values["at"])
        if at is None:
            raise RowError("thiếu thời điểm (at)")
        case_id, received = cases[code]
        if at[0].date() < received.date():
            raise RowError("thời điểm sự kiện trước ngày tiếp nhận hồ sơ")
        reason = text(values["reason"]) or None
        new_due = parse_moment(values["new_due_at"])
        if kind == EventKind.RESCHEDULED and new_due is None:
            raise RowError("hẹn lại (rescheduled) cần ngày hẹn mới (new_due_at)")
        if kind == EventKind.EXPLAINED and not reason:
            raise RowError("giải trình (explained) cần lý do (reason)")
        return {
            "case_id": case_id,
            "event": str(kind),
            "at": at[0],
            "reason": reason,
            "new_due_at": new_due[0] if new_due else None,
            "new_due_has_time": bool(new_due and new_due[1]),
        }

    checked, report = validate(
        data,
        EVENT_HEADERS,
        check,
        lambda r: (r["case_id"], r["event"], r["at"]),
        columns=Columns.of(CaseEvent.__table__),
    )
    accepted = records(checked)
    return apply_all_or_nothing(
        session,
        report,
        skip_invalid,
        lambda: upsert(session, CaseEvent.__table__, accepted, ("case_id", "event", "at"), report),
    )
