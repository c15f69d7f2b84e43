"""What the index holds for one procedure, read from the database (the source of truth)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.catalogue.codes import AgencyRole
from app.models import Agency, Document, Field, Procedure, ProcedureAgency
from app.search.analyzer import index_tokens, pairs
from app.text import fold

BATCH = 2000
_COLUMNS = (
    Procedure.id,
    Procedure.code,
    Procedure.name,
    Procedure.field_id,
    Procedure.subjects,
    Procedure.conditions,
    Procedure.results,
    Procedure.steps,
    Procedure.agency_names,
    Procedure.level_keys,
    Procedure.online_level,
    Procedure.postal,
    Procedure.content_hash,
)


def _texts(value) -> list[str]:
    """Strings inside a JSON part (lists of strings or of {"name": ...} records)."""
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [v for k, v in value.items() if isinstance(v, str) and k in ("name", "text", "description")]
    found = []
    for item in value:
        found.extend(_texts(item))
    return found


# Đối tượng thực hiện: words naming people, and words naming organisations.
_PEOPLE = ("cong dan", "ca nhan", "nguoi", "ho gia dinh", "tre em", "hoc sinh", "sinh vien")
_ORGANISATIONS = ("to chuc", "doanh nghiep", "hop tac xa", "can bo", "co quan", "don vi", "co so")


def audience(subjects: str | None) -> str:
    """Who files the procedure, from its subjects: "citizen" when people may file it,
    "organisation" when only organisations (or officials for their office) may, "" when unknown."""
    folded = fold(subjects)
    if any(word in folded for word in _PEOPLE):
        return "citizen"
    if any(word in folded for word in _ORGANISATIONS):
        return "organisation"
    return ""


def document(row, field: tuple[str, str] | None, paper_names: list[str], agency_codes: list[str]) -> dict:
    """The indexed fields of one procedure row: folded syllables and pairs, plus filter keys."""
    names = row.agency_names or {}
    name = index_tokens(row.name)
    words: list[str] = []
    text_pairs: list[str] = []
    # The text holds the name too: every word of a procedure is in it, for frequencies and scoring.
    for part in (
        [row.name, field[0] if field else None, row.subjects, row.conditions]
        + _texts(row.results)
        + _texts(row.steps)
        + paper_names
        + [n for role in (AgencyRole.EXECUTING, AgencyRole.AUTHORITY) for n in names.get(role) or []]
    ):
        # Each part on its own, so that no pair spans two parts.
        tokens = index_tokens(part)
        words.extend(tokens)
        text_pairs.extend(pairs(tokens))
    codes = sorted(agency_codes)
    return {
        "id": str(row.id),
        "code": row.code,
        "name": " ".join(name),
        "name_pairs": " ".join(pairs(name)),
        "text": " ".join(words),
        "text_pairs": " ".join(text_pairs),
        "field_slug": field[1] if field else "",
        "agencies": " ".join(codes),
        "levels": " ".join(k for k in (row.level_keys or "").split("|") if k),
        "online": row.online_level or "",
        "postal": {True: "1", False: "0"}.get(row.postal, ""),
        "audience": audience(row.subjects),
        "version": row.content_hash + ":" + ",".join(codes),
    }


def documents(session: Session, ids: list[int] | None = None) -> Iterator[dict]:
    """Index documents for the given procedures, or for all, a batch at a time."""
    query = select(Procedure.id).order_by(Procedure.id)
    if ids is not None:
        query = query.where(Procedure.id.in_(ids))
    all_ids = list(session.scalars(query))
    fields = {f.id: (f.name, f.slug) for f in session.execute(select(Field.id, Field.name, Field.slug))}
    for start in range(0, len(all_ids), BATCH):
        batch = all_ids[start : start + BATCH]
        papers: dict[int, list[str]] = defaultdict(list)
        for pid, name in session.execute(
            select(Document.procedure_id, Document.name)
            .where(Document.procedure_id.in_(batch))
            .order_by(Document.procedure_id, Document.position)
        ):
            papers[pid].append(name)
        agencies: dict[int, list[str]] = defaultdict(list)
        for pid, code in session.execute(
            select(ProcedureAgency.procedure_id, Agency.code)
            .join(Agency, Agency.id == ProcedureAgency.agency_id)
            .where(ProcedureAgency.procedure_id.in_(batch))
        ):
            agencies[pid].append(code)
        for row in session.execute(select(*_COLUMNS).where(Procedure.id.in_(batch)).order_by(Procedure.id)):
            yield document(row, fields.get(row.field_id), papers[row.id], agencies[row.id])


def versions(session: Session) -> dict[str, str]:
    """Each procedure's current version string, to compare with what the index holds."""
    result: dict[str, list] = {}
    for pid, content_hash in session.execute(select(Procedure.id, Procedure.content_hash)):
        result[str(pid)] = [content_hash]
    for pid, code in session.execute(
        select(ProcedureAgency.procedure_id, Agency.code).join(Agency, Agency.id == ProcedureAgency.agency_id)
    ):
        result[str(pid)].append(code)
    return {pid: parts[0] + ":" + ",".join(sorted(parts[1:])) for pid, parts in result.items()}
