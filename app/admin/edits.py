"""Corrections made in the back office to procedures, agencies, officers and holidays, each logged
with before and after (the caller commits). Procedures are corrected through an "office" source
that the merge applies over the imported ones, so that the next import of the same records does
not undo a correction."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app import audit
from app.catalogue.codes import ChannelMethod, ProcedureStatus, TimeUnit
from app.imports.agencies import CONTACTS, contact_values
from app.imports.errors import ImportReport, RowError
from app.imports.linking import link_procedures
from app.imports.merge import OFFICE
from app.imports.procedures import apply_records
from app.late.codes import HolidayKind
from app.models import Account, Agency, HolidayOverride, Officer, Procedure, ProcedureSource, by_code
from app.search.service import catalogue_changed
from app.text import fold

PROCEDURE_FIELDS = (
    "name",
    "level",
    "procedure_type",
    "subjects",
    "conditions",
    "issuing_agency",
    "receiving_address",
    "status",
)


class EditError(ValueError):
    """A correction that cannot be saved; the message says why."""


def _clean(value) -> str | None:
    value = (value or "").strip() if isinstance(value, str) or value is None else value
    return value or None


def _changes(before: dict, values: dict, convert=None) -> dict:
    """The fields of `before` that `values` sends with another value (cleaned, then `convert`ed)."""
    wanted = {f: _clean(values[f]) for f in before if f in values}
    if convert:
        wanted = convert(wanted)
    return {f: v for f, v in wanted.items() if v != before[f]}


def _log(session: Session, account: Account, kind: str, code: str, before: dict, changes: dict) -> dict:
    """Record the correction of one record with its values before, and return the changes."""
    audit.record(session, account, f"{kind}.edit", kind, code, None, {k: before[k] for k in changes}, changes)
    return changes


def procedure_values(procedure: Procedure) -> dict:
    return {f: getattr(procedure, f) for f in PROCEDURE_FIELDS}


def edit_procedure(session: Session, account: Account, procedure: Procedure, values: dict) -> dict:
    """Save the changed parts as the Office's correction; return the changes (empty if none)."""
    before = procedure_values(procedure)
    changes = _changes(before, values)
    if not changes:
        return {}
    if "name" in changes and not changes["name"]:
        raise EditError("tên thủ tục không được để trống")
    if "status" in changes and not ProcedureStatus.has(changes["status"]):
        raise EditError(f"trạng thái không hợp lệ: {changes['status']}")
    _save_office(session, procedure, changes)
    return _log(session, account, "procedure", procedure.code, before, changes)


def _agency(session: Session, code: str | None) -> Agency | None:
    """The agency with this code (None for no code); EditError for an unknown one."""
    agency = by_code(session, Agency, code)
    if code and agency is None:
        raise EditError(f"không có cơ quan mã {code}")
    return agency


def channel_records(procedure: Procedure) -> list[dict]:
    """The procedure's channels in the import record format."""
    return [
        {
            "method": c.method,
            **({"method_text": c.method_text} if c.method_text else {}),
            "description": c.description,
            "processing_time": {"value": c.processing_value, "unit": c.processing_unit, "text": c.processing_text}
            if c.processing_value is not None or c.processing_text
            else None,
            "fees": [{"amount_vnd": f.amount_vnd, "text": f.text} for f in c.fees],
        }
        for c in procedure.channels
    ]


def _time_label(time: dict | None) -> str | None:
    if not time or time.get("value") is None:
        return None
    return f"{time['value']:g} {time.get('unit') or ''}".strip()


def edit_processing_times(
    session: Session, account: Account, procedure: Procedure, times: dict[int, tuple[str, str]]
) -> dict:
    """Correct the time limit of channels (position -> (value, unit)); the late rules use it for
    files imported without a due date. Return the changes."""
    channels = channel_records(procedure)
    before, after = {}, {}
    for position, (typed_value, typed_unit) in sorted(times.items()):
        if not 0 <= position < len(channels):
            raise EditError(f"không có cách thức thực hiện số {position + 1}")
        text, unit = (typed_value or "").strip().replace(",", "."), (typed_unit or "").strip() or None
        try:
            value = float(text) if text else None
        except ValueError:
            raise EditError(f"thời hạn không hợp lệ: {text!r}") from None
        if value is not None and not 0 < value <= 10000:
            raise EditError(f"thời hạn không hợp lệ: {text!r}")
        if unit is not None and not TimeUnit.has(unit):
            raise EditError(f"đơn vị không hợp lệ: {unit!r}")
        old = channels[position]["processing_time"]
        new = {"value": value, "unit": unit, "text": (old or {}).get("text")} if value is not None else None
        if _time_label(old) != _time_label(new):
            channel = channels[position]
            label = f"{position + 1}. {ChannelMethod.text_of(channel['method'], channel.get('method_text'))}"
            before[label], after[label] = _time_label(old), _time_label(new)
            channels[position]["processing_time"] = new
    if not after:
        return {}
    _save_office(session, procedure, {"channels": channels})
    audit.record(session, account, "procedure.edit", "procedure", procedure.code, None, before, after)
    return after


def _save_office(session: Session, procedure: Procedure, changes: dict) -> None:
    """Merge `changes` into the Office's correction of the procedure and write the new merge."""
    office = session.scalar(
        select(ProcedureSource).where(ProcedureSource.procedure_code == procedure.code, ProcedureSource.kind == OFFICE)
    )
    payload = dict(office.payload) if office else {"code": procedure.code}
    payload.update(changes)
    ids = apply_records(session, [(0, OFFICE, payload)], ImportReport())
    link_procedures(session, ids)
    catalogue_changed(session)


def agency_values(agency: Agency) -> dict:
    return {
        "name": agency.name,
        "level": agency.level,
        "aliases": agency.aliases,
        "parent_code": agency.parent.code if agency.parent else None,
        "valid_from": agency.valid_from,
        "valid_to": agency.valid_to,
        **{key: getattr(agency, key) for key in CONTACTS},
    }


def officer_values(officer: Officer) -> dict:
    return {
        "name": officer.name,
        "title": officer.title,
        "agency_code": officer.agency.code if officer.agency else None,
    }


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date) or value is None:
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise EditError(f"ngày không hợp lệ: {value!r} (YYYY-MM-DD)") from None


def edit_agency(session: Session, account: Account, agency: Agency, values: dict) -> dict:
    """Correct an agency; procedures are linked again when its names change."""
    before = agency_values(agency)
    changes = _changes(
        before, values, lambda wanted: {k: _date(v) if k.startswith("valid_") else v for k, v in wanted.items()}
    )
    if not changes:
        return {}
    if "name" in changes and not changes["name"]:
        raise EditError("tên cơ quan không được để trống")
    if "parent_code" in changes:
        parent = _agency(session, changes["parent_code"])
        if parent is not None and (parent.id == agency.id or agency in parent.ancestors()):
            raise EditError("cơ quan cấp trên không thể là chính nó hay cơ quan trực thuộc nó")
        agency.parent = parent
    valid_from = changes.get("valid_from", before["valid_from"])
    valid_to = changes.get("valid_to", before["valid_to"])
    if valid_from and valid_to and valid_to < valid_from:
        raise EditError("ngày kết thúc trước ngày bắt đầu")
    if set(CONTACTS) & set(changes):
        try:
            checked = contact_values({key: changes.get(key, before[key]) for key in CONTACTS})
        except RowError as exc:
            raise EditError(str(exc)) from None
        changes.update({key: checked[key] for key in CONTACTS if key in changes})
    for key in ("name", "level", "aliases", "valid_from", "valid_to", *CONTACTS):
        if key in changes:
            setattr(agency, key, changes[key])
    if "name" in changes:
        agency.name_folded = fold(agency.name)
    if {"name", "aliases"} & set(changes):
        link_procedures(session)
    catalogue_changed(session)
    return _log(session, account, "agency", agency.code, before, changes)


def officers_named(session: Session, q: str, limit: int) -> list[Officer]:
    """Officers with this code or a name holding `q` (none for an empty `q`)."""
    if not q:
        return []
    query = select(Officer).where(or_(Officer.code == q, Officer.name.contains(q, autoescape=True)))
    return list(session.scalars(query.order_by(Officer.code).limit(limit)))


def edit_officer(session: Session, account: Account, officer: Officer, values: dict) -> dict:
    before = officer_values(officer)
    changes = _changes(before, values)
    if not changes:
        return {}
    if "name" in changes and not changes["name"]:
        raise EditError("họ tên cán bộ không được để trống")
    if "agency_code" in changes:
        officer.agency = _agency(session, changes["agency_code"])
    for key in ("name", "title"):
        if key in changes:
            setattr(officer, key, changes[key])
    return _log(session, account, "officer", officer.code, before, changes)


def set_holiday(session: Session, account: Account, day: dt.date, name: str | None, kind: str | None) -> None:
    """Add or change a day off / working weekend day, or remove it (kind None)."""
    existing = session.scalar(select(HolidayOverride).where(HolidayOverride.date == day))
    before = {"name": existing.name, "kind": existing.kind} if existing else None
    if kind is None:
        if existing is None:
            return
        session.delete(existing)
        after = None
    else:
        if not HolidayKind.has(kind):
            raise EditError(f"loại ngày không hợp lệ: {kind}")
        if existing is None:
            existing = HolidayOverride(date=day)
            session.add(existing)
        existing.name, existing.kind = name or None, kind
        after = {"name": existing.name, "kind": kind}
    audit.record(session, account, "holiday.edit", "holiday", day.isoformat(), None, before, after)
