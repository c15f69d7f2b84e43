"""Link procedures to the agencies of the province's tree that carry them out.

National records name agencies generically and often several at once ("Sở Xây dựng, Ủy ban
nhân dân cấp xã"); an agency matches when its name, its name without the province ("Sở Tư
pháp tỉnh Kon Tum") or one of its aliases appears there as a whole phrase. A table row may
also name agency codes explicitly.
"""

from __future__ import annotations

import re

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.catalogue.codes import AgencyRole
from app.imports.bulk import insert_many
from app.models import Agency, Procedure, ProcedureAgency
from app.text import fold

_PROVINCE_SUFFIX = re.compile(r"\s+tinh\s+[a-z' ]+$")


def agency_key(name: str) -> str:
    """Fold an agency name into a key: `UBND` spelt out, punctuation dropped."""
    key = fold(name)
    key = re.sub(r"\bubnd\b", "uy ban nhan dan", key)
    key = re.sub(r"[^a-z0-9' ]+", " ", key)
    return re.sub(r"\s+", " ", key).strip()


def _index(session: Session) -> tuple[list[tuple[str, int]], dict[str, int]]:
    keys: set[tuple[str, int]] = set()
    by_code = {}
    for agency in session.scalars(select(Agency)):
        by_code[agency.code] = agency.id
        names = [agency.name] + [a for a in (agency.aliases or "").split("|") if a.strip()]
        for name in names:
            key = agency_key(name)
            keys.add((key, agency.id))
            short = _PROVINCE_SUFFIX.sub("", key)
            # "Ủy ban nhân dân tỉnh X" without its province would match every committee.
            if short != key and not short.startswith(("uy ban nhan dan", "chu tich")):
                keys.add((short, agency.id))
    # A key of one word ("uy") would match everything.
    return sorted(k for k in keys if " " in k[0]), by_code


def matching_agencies(text: str, keys: list[tuple[str, int]]) -> set[int]:
    """Agencies whose name or alias appears as a whole phrase in `text`."""
    padded = f" {agency_key(text)} "
    return {agency_id for key, agency_id in keys if f" {key} " in padded}


def link_procedures(session: Session, ids: list[int] | None = None) -> int:
    """Replace the agency links of the procedures `ids` (all when None); return the number of links."""
    keys, by_code = _index(session)
    session.flush()
    query = select(Procedure.id, Procedure.agency_names)
    if ids is None:
        procedures = session.execute(query).all()
        session.execute(delete(ProcedureAgency))
    else:
        procedures = []
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            procedures.extend(session.execute(query.where(Procedure.id.in_(chunk))).all())
            session.execute(delete(ProcedureAgency).where(ProcedureAgency.procedure_id.in_(chunk)))
    rows: list[dict] = []
    for pid, names in procedures:
        links: dict[int, str] = {}
        names = names or {}
        for code in names.get("codes") or []:
            if code in by_code:
                links.setdefault(by_code[code], AgencyRole.EXECUTING)
        for role in AgencyRole:
            for name in names.get(role) or []:
                for agency_id in matching_agencies(name, keys):
                    links.setdefault(agency_id, role)
        rows.extend({"procedure_id": pid, "agency_id": a, "role": r} for a, r in links.items())
    insert_many(session, ProcedureAgency.__table__, rows)
    # Procedures loaded in this session would otherwise show their old links.
    session.expire_all()
    return len(rows)
