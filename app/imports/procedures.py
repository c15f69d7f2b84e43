"""`import procedures`: validate every row, then upsert each source's record and rebuild merges.

Writes go through SQLAlchemy Core in a few statements per table: a province's catalogue runs to
tens of thousands of procedures, each with channels, fees, papers and legal bases.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import CursorResult, Row, Table, delete, insert, select, update
from sqlalchemy.orm import Session

from app.catalogue.codes import ChannelMethod, DecisionAction, ProcedureStatus
from app.imports import rows
from app.imports.bulk import insert_many, update_by_id
from app.imports.errors import ImportReport, Rejection
from app.imports.linking import link_procedures
from app.imports.merge import content_hash, merge_records
from app.imports.procedure_records import TABLE_HEADERS, to_record
from app.imports.rows import apply_all_or_nothing
from app.models import Channel, Decision, DecisionItem, Document, Fee, Field, LegalBasis, Procedure, ProcedureSource
from app.models.base import Base
from app.search.service import catalogue_changed
from app.text import fold, slugify

KNOWN_HEADERS = {alias for aliases in TABLE_HEADERS.values() for alias in aliases}
CHUNK = 500
# A decision that does not say what it does to a procedure: what the procedure's status tells (if any).
STATUS_ACTIONS: dict[ProcedureStatus | None, DecisionAction] = {
    ProcedureStatus.AMENDED: DecisionAction.AMENDED,
    ProcedureStatus.ABOLISHED: DecisionAction.ABOLISHED,
}


def _table(model: type[Base]) -> Table:
    """The model's table: SQLAlchemy types `__table__` as any FromClause, but every model here maps a Table."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


# Where a record's values are written (procedure_values, _replace_parts, _Lookups).
COLUMNS = rows.Columns.of(
    _table(Procedure),
    decision=rows.Columns.of(_table(Decision)),
    legal_basis=rows.Columns.of(_table(LegalBasis)),
    documents=rows.Columns.of(_table(Document)),
    channels=rows.Columns.of(
        _table(Channel),
        processing_time=rows.Columns(
            {
                "value": _table(Channel).c.processing_value,
                "unit": _table(Channel).c.processing_unit,
                "text": _table(Channel).c.processing_text,
            }
        ),
        fees=rows.Columns.of(_table(Fee)),
    ),
) | rows.Columns({"field": _table(Field).c.name, "field_code": _table(Field).c.code})


def validate(data) -> tuple[list[tuple[int, str, dict]], list[Rejection]]:
    """Parse every row; return the accepted (row, kind, record) and the rejections."""
    # A record seen in two sources is two rows: the natural key is (source kind, code).
    accepted, report = rows.validate(
        data,
        None,
        to_record,
        lambda parsed: (parsed[0], parsed[1]["code"]),
        known=KNOWN_HEADERS,
        code=lambda parsed: parsed[1]["code"],
        columns=COLUMNS,
    )
    return [(number, kind, record) for number, (kind, record) in accepted], report.rejected


def import_procedures(session: Session, data: bytes, skip_invalid: bool = False) -> ImportReport:
    """Import a procedures file all or nothing (or only its valid rows with `skip_invalid`)."""
    accepted, rejected = validate(data)
    report = ImportReport(rejected=rejected)
    apply_all_or_nothing(
        session, report, skip_invalid, lambda: link_procedures(session, apply_records(session, accepted, report))
    )
    if report.applied:
        catalogue_changed(session)
    return report


def apply_records(session: Session, accepted: list, report: ImportReport) -> list[int]:
    """Write (row, kind, record) sources and the procedures whose merge changed; return their ids."""
    by_code: dict[str, dict[str, dict]] = defaultdict(dict)
    for _number, kind, record in accepted:
        by_code[record["code"]][kind] = record
    payloads = _store_sources(session, by_code)
    existing = {
        code: (pid, digest)
        for code, pid, digest in _chunked(
            session,
            list(by_code),
            lambda chunk: select(Procedure.code, Procedure.id, Procedure.content_hash).where(Procedure.code.in_(chunk)),
        )
    }
    lookups = _Lookups(session)
    new, changed, merged_by_code = [], [], {}
    for code in by_code:
        merged = merge_records(payloads[code])
        digest = content_hash(merged)
        current = existing.get(code)
        if current is not None and current[1] == digest:
            report.unchanged += 1
            continue
        values = procedure_values(merged, digest, lookups)
        if current is None:
            new.append(values)
        else:
            changed.append({"id": current[0], **values})
        merged_by_code[code] = merged
    report.imported += len(new)
    report.updated += len(changed)
    insert_many(session, Procedure.__table__, new)
    update_by_id(session, Procedure.__table__, changed)
    ids = {code: pid for code, (pid, _digest) in existing.items()}
    ids.update(
        _chunked(
            session,
            [v["code"] for v in new],
            lambda chunk: select(Procedure.code, Procedure.id).where(Procedure.code.in_(chunk)),
        )
    )
    merged_by_id = {ids[code]: merged for code, merged in merged_by_code.items()}
    _replace_parts(session, merged_by_id, [row["id"] for row in changed])
    _record_decisions(session, merged_by_id, lookups)
    return list(merged_by_id)


def _store_sources(session: Session, by_code: dict[str, dict[str, dict]]) -> dict[str, dict[str, dict]]:
    """Upsert each source's record; return every stored record of the codes met, by kind."""
    stored: dict[str, dict[str, tuple[int | None, dict]]] = defaultdict(dict)
    for pid, code, kind, payload in _chunked(
        session,
        list(by_code),
        lambda chunk: select(
            ProcedureSource.id, ProcedureSource.procedure_code, ProcedureSource.kind, ProcedureSource.payload
        ).where(ProcedureSource.procedure_code.in_(chunk)),
    ):
        stored[code][kind] = (pid, payload)
    new, changed = [], []
    for code, kinds in by_code.items():
        for kind, record in kinds.items():
            old = stored[code].get(kind)
            if old is None:
                new.append({"procedure_code": code, "kind": kind, "payload": record})
            elif old[1] != record:
                changed.append({"id": old[0], "payload": record})
            stored[code][kind] = (None, record)
    insert_many(session, ProcedureSource.__table__, new)
    update_by_id(session, ProcedureSource.__table__, changed)
    return {code: {kind: payload for kind, (_id, payload) in stored[code].items()} for code in by_code}


def _chunked(session: Session, keys: list, query) -> list:
    """Rows of `query(chunk)` for every chunk of `keys` (IN lists stay within database limits)."""
    rows: list[Row[Any]] = []
    for start in range(0, len(keys), CHUNK):
        rows.extend(session.execute(query(keys[start : start + CHUNK])).all())
    return rows


class _Lookups:
    """Fields and decisions met during one import, created on first use; ids by name and number."""

    def __init__(self, session: Session):
        self.session = session
        self.fields = {
            name: [fid, code] for fid, name, code in session.execute(select(Field.id, Field.name, Field.code))
        }
        self.slugs = set(session.scalars(select(Field.slug)))
        self.decisions = {
            number: [did, date, issuer]
            for did, number, date, issuer in session.execute(
                select(Decision.id, Decision.number, Decision.date, Decision.issuer)
            )
        }

    def field(self, name: str | None, code: str | None) -> int | None:
        if not name:
            return None
        known = self.fields.get(name)
        table = _table(Field)
        if known is None:
            slug, n = slugify(name) or "linh-vuc", 2
            base = slug
            while slug in self.slugs:
                slug, n = f"{base}-{n}", n + 1
            result = self.session.execute(insert(table).values(name=name, slug=slug, code=code))
            # Session.execute types every result as Result; a Core INSERT's is a CursorResult.
            assert isinstance(result, CursorResult)
            known = self.fields[name] = [result.inserted_primary_key[0], code]
            self.slugs.add(slug)
        elif code and not known[1]:
            self.session.execute(update(table).where(table.c.id == known[0]).values(code=code))
            known[1] = code
        return known[0]

    def decision(self, info: dict | None) -> int | None:
        if not info or not info.get("number"):
            return None
        table = _table(Decision)
        known = self.decisions.get(info["number"])
        if known is None:
            result = self.session.execute(insert(table).values(number=info["number"]))
            assert isinstance(result, CursorResult)
            known = self.decisions[info["number"]] = [result.inserted_primary_key[0], None, None]
        values = {}
        if info.get("date") and known[1] is None:
            values["date"] = known[1] = dt.date.fromisoformat(info["date"])
        if info.get("issuer") and not known[2]:
            values["issuer"] = known[2] = info["issuer"]
        if values:
            self.session.execute(update(table).where(table.c.id == known[0]).values(**values))
        return known[0]


def procedure_values(record: dict, digest: str, lookups: _Lookups) -> dict:
    """The procedures row of a merged record."""
    agencies = dict(record.get("agencies") or {})
    if record.get("agency_codes"):
        agencies["codes"] = record["agency_codes"]
    return {
        "code": record["code"],
        "name": record["name"],
        "name_folded": fold(f"{record['code']} {record['name']}"),
        "field_id": lookups.field(record.get("field"), record.get("field_code")),
        "level": record.get("level"),
        "level_keys": record.get("level_keys"),
        "procedure_type": record.get("procedure_type"),
        "subjects": record.get("subjects"),
        "agency_names": agencies or None,
        "issuing_agency": record.get("issuing_agency"),
        "receiving_address": record.get("receiving_address"),
        "steps": record.get("steps") or None,
        "conditions": record.get("conditions"),
        "results": record.get("results") or None,
        "related": record.get("related"),
        "status": record.get("status") or ProcedureStatus.IN_FORCE,
        "online_level": record.get("online_level"),
        "postal": record.get("postal"),
        "source_url": record.get("source_url"),
        "sources": ",".join(record.get("sources") or []),
        "decision_id": lookups.decision(record.get("decision")),
        "content_hash": digest,
    }


def _replace_parts(session: Session, merged_by_id: dict[int, dict], replaced: list[int]) -> None:
    """Write the channels, fees, papers and legal bases of the procedures, dropping their old ones."""
    for start in range(0, len(replaced), CHUNK):
        chunk = replaced[start : start + CHUNK]
        channel_ids = select(Channel.id).where(Channel.procedure_id.in_(chunk)).scalar_subquery()
        session.execute(delete(_table(Fee)).where(Fee.channel_id.in_(channel_ids)))
        for model in (Channel, Document, LegalBasis):
            session.execute(delete(_table(model)).where(model.procedure_id.in_(chunk)))
    documents: list[dict] = []
    bases: list[dict] = []
    channels: list[dict] = []
    for pid, record in merged_by_id.items():
        documents.extend(
            {
                "procedure_id": pid,
                "position": i,
                "name": d["name"],
                "form": d.get("form"),
                "original_qty": d.get("original_qty") or 0,
                "copy_qty": d.get("copy_qty") or 0,
                "group_name": d.get("group"),
            }
            for i, d in enumerate(record.get("documents") or [])
        )
        bases.extend(
            {"procedure_id": pid, "position": i, "number": b.get("number"), "title": b.get("title")}
            for i, b in enumerate(record.get("legal_basis") or [])
        )
        for i, channel in enumerate(record.get("channels") or []):
            time = channel.get("processing_time") or {}
            channels.append(
                {
                    "procedure_id": pid,
                    "position": i,
                    "method": channel.get("method") or ChannelMethod.OTHER,
                    "method_text": channel.get("method_text"),
                    "processing_value": time.get("value"),
                    "processing_unit": time.get("unit"),
                    "processing_text": time.get("text"),
                    "description": channel.get("description"),
                }
            )
    insert_many(session, Document.__table__, documents)
    insert_many(session, LegalBasis.__table__, bases)
    insert_many(session, Channel.__table__, channels)
    fees: list[dict] = []
    with_channels = sorted({row["procedure_id"] for row in channels})
    for channel_id, pid, position in _chunked(
        session,
        with_channels,
        lambda chunk: select(Channel.id, Channel.procedure_id, Channel.position).where(Channel.procedure_id.in_(chunk)),
    ):
        channel = merged_by_id[pid]["channels"][position]
        fees.extend(
            {"channel_id": channel_id, "position": i, "amount_vnd": f.get("amount_vnd"), "text": f.get("text")}
            for i, f in enumerate(channel.get("fees") or [])
        )
    insert_many(session, Fee.__table__, fees)


def _record_decisions(session: Session, merged_by_id: dict[int, dict], lookups: _Lookups) -> None:
    """List each procedure under its publication decision, as new, amended or abolished."""
    wanted = {}
    for pid, record in merged_by_id.items():
        info = record.get("decision") or {}
        if not info.get("number"):
            continue
        action = info.get("action") or STATUS_ACTIONS.get(record.get("status"), DecisionAction.NEW)
        wanted[(lookups.decisions[info["number"]][0], pid)] = action
    existing = {
        (did, pid): (iid, action)
        for iid, did, pid, action in _chunked(
            session,
            sorted({pid for _did, pid in wanted}),
            lambda chunk: select(
                DecisionItem.id, DecisionItem.decision_id, DecisionItem.procedure_id, DecisionItem.action
            ).where(DecisionItem.procedure_id.in_(chunk)),
        )
    }
    insert_many(
        session,
        DecisionItem.__table__,
        [
            {"decision_id": did, "procedure_id": pid, "action": action}
            for (did, pid), action in wanted.items()
            if (did, pid) not in existing
        ],
    )
    update_by_id(
        session,
        DecisionItem.__table__,
        [
            {"id": existing[key][0], "action": action}
            for key, action in wanted.items()
            if key in existing and existing[key][1] != action
        ],
    )
