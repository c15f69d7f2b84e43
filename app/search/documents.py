"""What the index holds for one procedure, read from the database (the source of truth)."""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import Agency, Procedure, ProcedureAgency
from app.search.analyzer import index_tokens, pairs

BATCH = 500


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


def document(procedure: Procedure) -> dict:
    """The indexed fields of one procedure: folded syllables and pairs, plus filter keys."""
    names = procedure.agency_names or {}
    name = index_tokens(procedure.name)
    text: list[str] = []
    # The text holds the name too: every word of a procedure is in it, for frequencies and scoring.
    for part in ([procedure.name, procedure.field.name if procedure.field else None, procedure.subjects,
                  procedure.conditions] + _texts(procedure.results) + _texts(procedure.steps)
                 + [d.name for d in procedure.documents]
                 + [n for role in ("executing", "authority") for n in names.get(role) or []]):
        # Each part on its own, so that no pair spans two parts.
        tokens = index_tokens(part)
        text.extend(tokens)
        text.append("|")
    words = [t for t in text if t != "|"]
    text_pairs = []
    run: list[str] = []
    for token in text + ["|"]:
        if token == "|":
            text_pairs.extend(pairs(run))
            run = []
        else:
            run.append(token)
    return {
        "id": str(procedure.id),
        "code": procedure.code,
        "name": " ".join(name), "name_pairs": " ".join(pairs(name)),
        "text": " ".join(words), "text_pairs": " ".join(text_pairs),
        "field_slug": procedure.field.slug if procedure.field else "",
        "agencies": " ".join(link.agency.code for link in procedure.agency_links),
        "levels": " ".join(k for k in (procedure.level_keys or "").split("|") if k),
        "online": procedure.online_level or "",
        "postal": {True: "1", False: "0"}.get(procedure.postal, ""),
        "version": procedure.content_hash + ":" + ",".join(sorted(l.agency.code for l in procedure.agency_links)),
    }


def documents(session: Session, ids: list[int] | None = None) -> Iterator[dict]:
    """Index documents for the given procedures, or for all, a batch at a time."""
    query = select(Procedure.id).order_by(Procedure.id)
    if ids is not None:
        query = query.where(Procedure.id.in_(ids))
    all_ids = list(session.scalars(query))
    for start in range(0, len(all_ids), BATCH):
        batch = session.scalars(
            select(Procedure).where(Procedure.id.in_(all_ids[start:start + BATCH])).options(
                selectinload(Procedure.field), selectinload(Procedure.documents),
                selectinload(Procedure.agency_links).selectinload(ProcedureAgency.agency)))
        for procedure in batch:
            yield document(procedure)
        session.expunge_all()


def versions(session: Session) -> dict[str, str]:
    """Each procedure's current version string, to compare with what the index holds."""
    result: dict[str, list] = {}
    for pid, content_hash in session.execute(select(Procedure.id, Procedure.content_hash)):
        result[str(pid)] = [content_hash]
    for pid, code in session.execute(select(ProcedureAgency.procedure_id, Agency.code)
                                     .join(Agency, Agency.id == ProcedureAgency.agency_id)):
        result[str(pid)].append(code)
    return {pid: parts[0] + ":" + ",".join(sorted(parts[1:])) for pid, parts in result.items()}
