"""`import procedures`: validate every row, then upsert each source's record and rebuild merges."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.imports.errors import ImportReport, Rejection, RowError
from app.imports.linking import link_procedures
from app.imports.merge import content_hash, merge_records
from app.imports.procedure_records import TABLE_HEADERS, to_record
from app.imports.readers import read_rows
from app.models import (
    Channel, Decision, DecisionItem, Document, Fee, Field, LegalBasis, Procedure, ProcedureSource,
)
from app.text import fold, slugify

KNOWN_HEADERS = {alias for aliases in TABLE_HEADERS.values() for alias in aliases}
CHUNK = 500


def validate(data: bytes) -> tuple[list[tuple[int, str, dict]], list[Rejection]]:
    """Parse every row; return the accepted (row, kind, record) and the rejections."""
    accepted, rejected = [], []
    seen: dict[tuple[str, str], int] = {}
    for number, row in read_rows(data, KNOWN_HEADERS):
        try:
            if "_invalid" in row:
                raise RowError(f"không phải một bản ghi: {str(row['_invalid'])[:60]}")
            kind, record = to_record(row)
            key = (kind, record["code"])
            if key in seen:
                raise RowError(f"mã {record['code']} trùng với dòng {seen[key]}")
            seen[key] = number
            accepted.append((number, kind, record))
        except RowError as exc:
            rejected.append(Rejection(number, str(exc)))
    return accepted, rejected


def import_procedures(session: Session, data: bytes, skip_invalid: bool = False) -> ImportReport:
    """Import a procedures file all or nothing (or only its valid rows with `skip_invalid`)."""
    accepted, rejected = validate(data)
    report = ImportReport(rejected=rejected)
    if rejected and not skip_invalid:
        return report
    try:
        changed = _apply(session, accepted, report)
        link_procedures(session, changed)
        session.commit()
    except Exception:
        session.rollback()
        raise
    report.applied = True
    return report


def _apply(session: Session, accepted: list, report: ImportReport) -> list[Procedure]:
    by_code: dict[str, dict[str, dict]] = defaultdict(dict)
    for _number, kind, record in accepted:
        by_code[record["code"]][kind] = record
    codes = list(by_code)
    stored = _load_sources(session, codes)
    for code, kinds in by_code.items():
        for kind, record in kinds.items():
            source = stored[code].get(kind)
            if source is None:
                source = ProcedureSource(procedure_code=code, kind=kind, payload=record)
                session.add(source)
                stored[code][kind] = source
            elif source.payload != record:
                source.payload = record
    procedures = _load_procedures(session, codes)
    cache = _Lookups(session)
    changed = []
    with session.no_autoflush:
        _merge_all(codes, stored, procedures, cache, changed, report, session)
    session.flush()
    _record_decisions(session, changed)
    return changed


def _merge_all(codes, stored, procedures, cache, changed, report, session) -> None:
    for code in codes:
        merged = merge_records({kind: s.payload for kind, s in stored[code].items()})
        digest = content_hash(merged)
        procedure = procedures.get(code)
        if procedure is not None and procedure.content_hash == digest:
            report.unchanged += 1
            continue
        if procedure is None:
            procedure = Procedure(code=code)
            session.add(procedure)
            report.imported += 1
        else:
            report.updated += 1
        write_procedure(procedure, merged, digest, cache)
        changed.append(procedure)


def _load_sources(session: Session, codes: list[str]) -> dict[str, dict[str, ProcedureSource]]:
    stored: dict[str, dict[str, ProcedureSource]] = defaultdict(dict)
    for i in range(0, len(codes), CHUNK):
        chunk = codes[i:i + CHUNK]
        for source in session.scalars(select(ProcedureSource).where(ProcedureSource.procedure_code.in_(chunk))):
            stored[source.procedure_code][source.kind] = source
    return stored


def _load_procedures(session: Session, codes: list[str]) -> dict[str, Procedure]:
    found = {}
    for i in range(0, len(codes), CHUNK):
        chunk = codes[i:i + CHUNK]
        query = select(Procedure).where(Procedure.code.in_(chunk)).options(
            selectinload(Procedure.channels).selectinload(Channel.fees),
            selectinload(Procedure.documents), selectinload(Procedure.legal_bases))
        found.update({p.code: p for p in session.scalars(query)})
    return found


class _Lookups:
    """Fields and decisions met during one import, created on first use."""

    def __init__(self, session: Session):
        self.session = session
        self.fields = {f.name: f for f in session.scalars(select(Field))}
        self.slugs = {f.slug for f in self.fields.values()}
        self.decisions = {d.number: d for d in session.scalars(select(Decision))}

    def field(self, name: str | None, code: str | None) -> Field | None:
        if not name:
            return None
        field = self.fields.get(name)
        if field is None:
            slug, n = slugify(name) or "linh-vuc", 2
            base = slug
            while slug in self.slugs:
                slug, n = f"{base}-{n}", n + 1
            field = Field(name=name, slug=slug, code=code)
            self.session.add(field)
            self.fields[name], _ = field, self.slugs.add(slug)
        elif code and not field.code:
            field.code = code
        return field

    def decision(self, info: dict | None) -> Decision | None:
        if not info or not info.get("number"):
            return None
        decision = self.decisions.get(info["number"])
        if decision is None:
            decision = Decision(number=info["number"])
            self.session.add(decision)
            self.decisions[info["number"]] = decision
        if info.get("date") and decision.date is None:
            decision.date = dt.date.fromisoformat(info["date"])
        if info.get("issuer") and not decision.issuer:
            decision.issuer = info["issuer"]
        return decision


def write_procedure(procedure: Procedure, record: dict, digest: str, cache: _Lookups) -> None:
    """Copy a merged record onto a procedure and its parts."""
    procedure.name = record["name"]
    procedure.name_folded = fold(f"{record['code']} {record['name']}")
    procedure.field = cache.field(record.get("field"), record.get("field_code"))
    procedure.level = record.get("level")
    procedure.level_keys = record.get("level_keys")
    procedure.procedure_type = record.get("procedure_type")
    procedure.subjects = record.get("subjects")
    agencies = dict(record.get("agencies") or {})
    if record.get("agency_codes"):
        agencies["codes"] = record["agency_codes"]
    procedure.agency_names = agencies or None
    procedure.issuing_agency = record.get("issuing_agency")
    procedure.receiving_address = record.get("receiving_address")
    procedure.steps = record.get("steps") or None
    procedure.conditions = record.get("conditions")
    procedure.results = record.get("results") or None
    procedure.related = record.get("related")
    procedure.status = record.get("status") or "in_force"
    procedure.online_level = record.get("online_level")
    procedure.postal = record.get("postal")
    procedure.source_url = record.get("source_url")
    procedure.sources = ",".join(record.get("sources") or [])
    procedure.decision = cache.decision(record.get("decision"))
    procedure.content_hash = digest
    procedure.channels = [_channel(i, c) for i, c in enumerate(record.get("channels") or [])]
    procedure.documents = [
        Document(position=i, name=d["name"], form=d.get("form"), original_qty=d.get("original_qty") or 0,
                 copy_qty=d.get("copy_qty") or 0, group_name=d.get("group"))
        for i, d in enumerate(record.get("documents") or [])
    ]
    procedure.legal_bases = [
        LegalBasis(position=i, number=b.get("number"), title=b.get("title"))
        for i, b in enumerate(record.get("legal_basis") or [])
    ]
    procedure._decision_action = (record.get("decision") or {}).get("action")


def _channel(position: int, data: dict) -> Channel:
    time = data.get("processing_time") or {}
    return Channel(
        position=position, method=data.get("method") or "",
        processing_value=time.get("value"), processing_unit=time.get("unit"),
        processing_text=time.get("text"), description=data.get("description"),
        fees=[Fee(position=i, amount_vnd=f.get("amount_vnd"), text=f.get("text"))
              for i, f in enumerate(data.get("fees") or [])],
    )


def _record_decisions(session: Session, procedures: list[Procedure]) -> None:
    """List each procedure under its publication decision, as new, amended or abolished."""
    ids = [p.id for p in procedures if p.decision is not None]
    existing = {}
    for i in range(0, len(ids), CHUNK):
        query = select(DecisionItem).where(DecisionItem.procedure_id.in_(ids[i:i + CHUNK]))
        existing.update({(d.decision_id, d.procedure_id): d for d in session.scalars(query)})
    for procedure in procedures:
        if procedure.decision is None:
            continue
        action = procedure._decision_action or {
            "amended": "amended", "abolished": "abolished"}.get(procedure.status, "new")
        item = existing.get((procedure.decision.id, procedure.id))
        if item is None:
            session.add(DecisionItem(decision_id=procedure.decision.id, procedure_id=procedure.id,
                                     action=action))
        elif item.action != action:
            item.action = action
