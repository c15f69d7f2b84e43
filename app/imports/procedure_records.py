"""Turn a row of any procedure source into one canonical record (a plain dict).

Sources, detected per row by their keys: the national portal's detail records (`ma_thu_tuc`),
the national catalogue (`code` + `categories`), the portal's API answers (`data.code`) and
tables (CSV, XLSX, JSON objects) whose headers are listed in TABLE_HEADERS.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from app.catalogue.codes import AgencyRole, ChannelMethod, DecisionAction, Level, ProcedureStatus, TimeUnit
from app.clock import VIETNAM
from app.imports import flattened
from app.imports.errors import RowError
from app.imports.values import in_years
from app.text import nfc

# The catalogue publishes a few irregular codes (`1.0133611`, `1.014955-Xoa`, ` 1.014325`).
# They name distinct procedures, so codes are kept exactly as published, never trimmed.
CODE_PATTERN = re.compile(r"^\s?\d{1,2}\.\d{4,}[\w.\-]*$")

# Tables' short spellings of a decision's action, folded (its codes and labels are read too).
ACTION_WORDS = {"moi": DecisionAction.NEW, "sua doi": DecisionAction.AMENDED, "bai bo": DecisionAction.ABOLISHED}
# The catalogue's and the portal's states of a procedure, looked up with the raw value (None when missing).
STATES: dict[str | None, ProcedureStatus] = {
    "ACTIVE": ProcedureStatus.IN_FORCE,
    "UPDATED": ProcedureStatus.AMENDED,
    "ABOLISHED": ProcedureStatus.ABOLISHED,
}
# The portal's level flags.
LEVEL_FLAGS = (
    ("isMinistry", Level.BO),
    ("isProvince", Level.TINH),
    ("isWard", Level.XA),
    ("isOtherAgency", Level.KHAC),
)

# Header aliases for tables: the first name is the canonical key.
TABLE_HEADERS = {
    "code": ("code", "ma_thu_tuc", "mã số", "mã thủ tục", "ma so"),
    "name": ("name", "ten_thu_tuc", "tên", "tên thủ tục", "ten"),
    "field": ("field", "linh_vuc", "lĩnh vực", "linh vuc"),
    "level": ("level", "cap_thuc_hien", "cấp thực hiện"),
    "issuing_agency": ("issuing_agency", "cơ quan ban hành", "co_quan_ban_hanh"),
    "agencies": ("agencies", "agency", "co_quan_thuc_hien", "cơ quan thực hiện"),
    "agency_codes": ("agency_codes", "ma_co_quan"),
    "decision_number": ("decision_number", "so_quyet_dinh", "quyết định công bố", "số quyết định"),
    "decision_date": ("decision_date", "ngay_quyet_dinh", "ngày quyết định"),
    "action": ("action", "loai_cong_bo", "hình thức công bố"),
    "status": ("status", "tinh_trang", "tình trạng"),
}


def detect_kind(row: dict) -> str:
    """Name the source a row comes from by its keys."""
    if isinstance(row.get("data"), dict) and "code" in row["data"]:
        return "portal_api"
    if "ma_thu_tuc" in row and "ten_thu_tuc" in row:
        return "national"
    if "code" in row and ("categories" in row or "codeNotation" in row):
        return "catalogue"
    return "table"


def to_record(row: dict) -> tuple[str, dict]:
    """Return (source kind, canonical record) for a row, or raise RowError."""
    kind = detect_kind(row)
    record = {"national": _national, "catalogue": _catalogue, "portal_api": _portal_api, "table": _table}[kind](row)
    code = record.get("code")
    if not code or not str(code).strip():
        raise RowError("thiếu mã thủ tục (code)")
    if not CODE_PATTERN.match(code):
        raise RowError(f"mã thủ tục không hợp lệ: {code!r}")
    if not record.get("name"):
        raise RowError("thiếu tên thủ tục (name)")
    return kind, {k: v for k, v in record.items() if v not in (None, "", [], {})}


def _split_names(text) -> list[str]:
    if isinstance(text, list):
        return [nfc(t) for t in text if nfc(t)]
    return [nfc(t) for t in re.split(r"[\n;|]", str(text or "")) if nfc(t)]


def _info(text) -> str | None:
    text = nfc(text)
    return None if text in ("", flattened.NO_INFO) else text


def _national(row: dict) -> dict:
    return {
        "code": str(row.get("ma_thu_tuc") or ""),
        "name": nfc(row.get("ten_thu_tuc")),
        "field": _info(row.get("linh_vuc")),
        "level": _info(row.get("cap_thuc_hien")),
        "procedure_type": _info(row.get("loai_thu_tuc")),
        "subjects": _info(row.get("doi_tuong_thuc_hien")),
        "agencies": {
            AgencyRole.EXECUTING: _split_names(_info(row.get("co_quan_thuc_hien"))),
            AgencyRole.AUTHORITY: _split_names(_info(row.get("co_quan_co_tham_quyen"))),
            AgencyRole.AUTHORIZED: _split_names(_info(row.get("co_quan_duoc_uy_quyen"))),
            AgencyRole.COORDINATING: _split_names(_info(row.get("co_quan_phoi_hop"))),
        },
        "receiving_address": _info(row.get("dia_chi_tiep_nhan")),
        "steps": flattened.parse_steps(row.get("trinh_tu_thuc_hien")),
        "channels": flattened.parse_channels(row.get("cach_thuc_thuc_hien")),
        "documents": flattened.parse_documents(row.get("thanh_phan_ho_so")),
        "conditions": _info(row.get("yeu_cau_dieu_kien")),
        "results": flattened.parse_results(row.get("ket_qua_xu_ly")),
        "legal_basis": flattened.parse_legal_bases(row.get("can_cu_phap_ly")),
        "decision": _decision(row.get("so_quyet_dinh")),
        "related": _info(row.get("thu_tuc_lien_quan")),
        "source_url": nfc(row.get("detail_url")) or None,
    }


def _catalogue(row: dict) -> dict:
    categories = [nfc(c) for c in row.get("categories") or [] if nfc(c)]
    return {
        "code": str(row.get("code") or ""),
        "name": nfc(row.get("name")),
        "field": categories[0] if categories else None,
        "subjects": ", ".join(nfc(t) for t in row.get("formalityTargetType") or []) or None,
        "agencies": {AgencyRole.EXECUTING: _split_names(row.get("departments") or [])},
        "issuing_agency": nfc(row.get("departmentPromulgate")) or None,
        "status": STATES.get(row.get("state")),
    }


def _portal_api(row: dict) -> dict:
    data = row["data"]
    # The level stays the published text, as the national records write it.
    levels = [level.label for flag, level in LEVEL_FLAGS if data.get(flag)]
    proposal = data.get("procedureProposal") or {}
    decision = None
    if proposal.get("proposalNumber"):
        decision = {
            "number": nfc(proposal["proposalNumber"]),
            "date": _epoch_date(proposal.get("decisionDate")),
            "issuer": nfc((proposal.get("issuingAgency") or {}).get("name")) or None,
        }
    category = data.get("category") or {}
    return {
        "code": str(data.get("code") or ""),
        "name": nfc(data.get("name")),
        "field": nfc(category.get("name")) or None,
        "field_code": nfc(category.get("code")) or None,
        "level": ", ".join(levels) or None,
        "subjects": ", ".join(nfc(s.get("name")) for s in data.get("subjectTypesDetails") or []) or None,
        "agencies": {
            AgencyRole.EXECUTING: [nfc(d.get("name")) for d in data.get("departmentsExecuting") or []],
            AgencyRole.AUTHORITY: [nfc(d.get("name")) for d in data.get("departmentsAuthority") or []],
            AgencyRole.AUTHORIZED: [nfc(d.get("name")) for d in data.get("departmentsAuthorized") or []],
            AgencyRole.COORDINATING: [nfc(d.get("name")) for d in data.get("departmentsCoordinating") or []],
        },
        "issuing_agency": nfc(data.get("departmentPromulgateName")) or None,
        "receiving_address": _info(data.get("dossierReceivingAddresses")),
        "steps": [
            nfc(" ".join(filter(None, [s.get("name"), s.get("description")])))
            for s in data.get("executionSteps") or []
            if s.get("description") or s.get("name")
        ],
        "channels": [_api_channel(m) for m in data.get("executionMethods") or []],
        "documents": [
            {
                "name": nfc(p.get("name")),
                "form": _api_forms(p),
                "original_qty": p.get("originalQty") or 0,
                "copy_qty": p.get("copyQty") or 0,
                "group": nfc(case.get("name")) or None,
            }
            for case in data.get("executionCases") or []
            for p in case.get("profileComponents") or []
            if nfc(p.get("name"))
        ],
        "conditions": _info(data.get("requirementsAndConditions")),
        "results": [{"name": nfc(r.get("name")), "code": r.get("code")} for r in data.get("resultsDetails") or []],
        "legal_basis": [
            {"number": nfc(b.get("code")) or None, "title": nfc(b.get("name")) or None}
            for b in data.get("legalBasisesDetails") or []
        ],
        "decision": decision,
        # Only the API's two states seen so far are read (its records never say ABOLISHED).
        "status": STATES.get(data.get("state")) if data.get("state") in ("ACTIVE", "UPDATED") else None,
        "full_online": bool(data.get("isFullProcess")),
    }


def _api_channel(method: dict) -> dict:
    value = method.get("processingTime")
    fees = []
    for fee in method.get("fees") or []:
        text = nfc(fee.get("description")) or None
        amount = fee.get("value")
        fees.append({"amount_vnd": int(amount) if isinstance(amount, (int, float)) else None, "text": text})
    description = nfc(method.get("description")) or None
    time = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # The API's units are the codes in capitals (WORKING_DAY); OTHER is no unit.
        time = {"value": value, "unit": TimeUnit.get(str(method.get("processingTimeUnit") or "").lower()), "text": None}
    elif nfc(str(value or "")):
        # Some records put the whole explanation where the number belongs.
        description = "\n".join(filter(None, [nfc(str(value)), description]))
    return {
        **_method(method.get("submissionMethod")),
        "processing_time": time,
        "fees": fees,
        "description": description,
    }


def _method(text: str | None) -> dict:
    """A channel's method: the code the source's wording names (the API's DIRECT, ONLINE, POSTAL),
    and that wording as `method_text` when no rule knows it."""
    method = ChannelMethod.recognise(text)
    if method == ChannelMethod.OTHER and nfc(text):
        return {"method": method, "method_text": nfc(text)}
    return {"method": method}


def _api_forms(component: dict) -> str | None:
    names = [nfc(a.get("name") or a.get("fileName")) for a in component.get("attachments") or [] if isinstance(a, dict)]
    return "; ".join(n for n in names if n) or None


def _table(row: dict) -> dict:
    values = _aliased(row)
    record: dict[str, Any] = {
        "code": str(values.get("code") or ""),
        "name": nfc(values.get("name")),
        "field": nfc(values.get("field")) or None,
        "level": nfc(values.get("level")) or None,
        "issuing_agency": nfc(values.get("issuing_agency")) or None,
        "agencies": {"executing": _split_names(values.get("agencies"))},
        "agency_codes": _split_names(values.get("agency_codes")),
    }
    spelled = nfc(values.get("action"))
    action = DecisionAction.read(spelled, ACTION_WORDS)
    if spelled and action is None:
        raise RowError(
            f"hình thức công bố không hợp lệ: {values.get('action')!r} ({', '.join(DecisionAction.codes())})"
        )
    spelled = nfc(values.get("status")).lower()
    status = ProcedureStatus.get(spelled)
    if spelled and status is None:
        raise RowError(f"tình trạng không hợp lệ: {values.get('status')!r} ({', '.join(ProcedureStatus.codes())})")
    if values.get("decision_number"):
        record["decision"] = _decision(values["decision_number"], values.get("decision_date"))
        record["decision"]["action"] = action
    if status or action == DecisionAction.ABOLISHED:
        record["status"] = status or ProcedureStatus.ABOLISHED
    return record


def _aliased(row: dict) -> dict:
    lowered = {nfc(str(k)).lower(): v for k, v in row.items() if k is not None}
    values = {}
    for key, aliases in TABLE_HEADERS.items():
        for alias in aliases:
            if alias in lowered and lowered[alias] not in (None, ""):
                values[key] = lowered[alias]
                break
    return values


def _decision(number, date=None) -> dict | None:
    number = nfc(number)
    if not number or number == flattened.NO_INFO:
        return None
    return {"number": number, "date": _parse_date(date) if date else None, "issuer": None}


def _parse_date(value) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return in_years(value.date() if isinstance(value, dt.datetime) else value).isoformat()
    text = nfc(str(value))
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return in_years(day).isoformat()
    raise RowError(f"ngày không hợp lệ: {text!r} (yyyy-mm-dd hoặc dd/mm/yyyy)")


def _epoch_date(millis) -> str | None:
    if not millis:
        return None
    try:
        day = dt.datetime.fromtimestamp(millis / 1000, tz=VIETNAM).date()
    except (TypeError, ValueError, OverflowError, OSError):
        raise RowError(f"thời điểm không hợp lệ: {str(millis)[:40]!r}") from None
    return in_years(day).isoformat()
