"""Browsing and searching the catalogue: the filters, ranked or alphabetical pages, the filter options."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.catalogue.codes import Level, OnlineLevel, ProcedureStatus
from app.models import Agency, Field, Procedure, ProcedureAgency
from app.params import BadParameter, Page, int_param
from app.search.index import IndexUnavailable
from app.text import collation_key, fold

# `online=online` asks for every procedure that can be filed online, fully or not.
FILED_ONLINE = (OnlineLevel.FULL, OnlineLevel.ONLINE)
MAX_PER_PAGE = 100
# Citizens paste whole questions: allow a long paragraph, not a document.
MAX_QUESTION = 1000


class Searcher(Protocol):
    """What browsing needs of the search service: one page of ranked ids with facets."""

    def search(self, question: str, filters: dict, page: int = 1, per_page: int = 20, language: str | None = None): ...


@dataclass
class Filters:
    q: str = ""
    agency: str | None = None
    field: str | None = None
    level: str | None = None
    online: str | None = None
    postal: bool | None = None
    page: int = 1
    per_page: int = 20
    truncated: bool = False  # the question was longer than MAX_QUESTION and was cut

    def active(self) -> bool:
        return bool(self.q or self.narrowing)

    @property
    def narrowing(self) -> int:
        """How many filters besides the words are set."""
        return sum(bool(v) for v in (self.agency, self.field, self.level, self.online)) + (self.postal is not None)


def parse_filters(args, per_page: int = 20) -> Filters:
    """Read and check the browse parameters; raise BadParameter for a bad one."""
    q = (args.get("q") or "").strip()
    truncated = len(q) > MAX_QUESTION
    if truncated:
        # A pasted page is searched by its beginning, cut at a word, and the page says so.
        q = q[:MAX_QUESTION].rsplit(None, 1)[0] if " " in q[:MAX_QUESTION] else q[:MAX_QUESTION]
    level = args.get("level") or None
    if level and not Level.has(level):
        raise BadParameter("level", level, ", ".join(Level.codes()))
    online = args.get("online") or None
    if online and not OnlineLevel.has(online):
        raise BadParameter("online", online, ", ".join(OnlineLevel.codes()))
    postal_raw = args.get("postal") or None
    if postal_raw not in (None, "1", "0"):
        raise BadParameter("postal", postal_raw, "1, 0")
    return Filters(
        q=q,
        agency=args.get("agency") or None,
        field=args.get("field") or None,
        level=level,
        online=online,
        postal=None if postal_raw is None else postal_raw == "1",
        page=int_param(args, "page", 1, 1, 100000),
        per_page=int_param(args, "per_page", per_page, 1, MAX_PER_PAGE),
        truncated=truncated,
    )


def _filtered(session: Session, filters: Filters):
    query = select(Procedure)
    if filters.q:
        for word in fold(filters.q).split():
            query = query.where(Procedure.name_folded.contains(word, autoescape=True))
    agency_id, field_id = _check_filters(session, filters)
    if agency_id is not None:
        query = query.where(
            Procedure.id.in_(select(ProcedureAgency.procedure_id).where(ProcedureAgency.agency_id == agency_id))
        )
    if field_id is not None:
        query = query.where(Procedure.field_id == field_id)
    if filters.level:
        query = query.where(Procedure.level_keys.contains(f"|{filters.level}|"))
    if filters.online == OnlineLevel.ONLINE:
        query = query.where(Procedure.online_level.in_(FILED_ONLINE))
    elif filters.online:
        query = query.where(Procedure.online_level == filters.online)
    if filters.postal is not None:
        query = query.where(Procedure.postal.is_(filters.postal))
    return query


def browse(
    session: Session,
    filters: Filters,
    index: Searcher | None = None,
    on_unavailable: Callable[[], None] | None = None,
    language: str | None = None,
) -> Page:
    """One page of procedures matching `filters`: in rank order when searching words through the
    index (read as asked on the site in `language`), else names in alphabetical order. A missing
    index falls back to plain matching."""
    if filters.q and index is not None:
        _check_filters(session, filters)
        try:
            return _ranked(
                session,
                filters,
                index.search(filters.q, _index_filters(filters), filters.page, filters.per_page, language),
            )
        except IndexUnavailable:
            if on_unavailable:
                on_unavailable()
    query = _filtered(session, filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.options(selectinload(Procedure.field))
        .order_by(Procedure.name_folded, Procedure.code)
        .limit(filters.per_page)
        .offset((filters.page - 1) * filters.per_page)
    ).all()
    return Page(list(rows), total, filters.page, filters.per_page)


def _check_filters(session: Session, filters: Filters) -> tuple[int | None, int | None]:
    """The ids of the chosen agency and field; BadParameter for codes that do not exist."""
    agency_id = field_id = None
    if filters.agency:
        agency_id = session.scalar(select(Agency.id).where(Agency.code == filters.agency))
        if agency_id is None:
            raise BadParameter("agency", filters.agency)
    if filters.field:
        field_id = session.scalar(select(Field.id).where(Field.slug == filters.field))
        if field_id is None:
            raise BadParameter("field", filters.field)
    return agency_id, field_id


def _index_filters(filters: Filters) -> dict:
    online = tuple(map(str, FILED_ONLINE)) if filters.online == OnlineLevel.ONLINE else filters.online
    return {
        "agencies": filters.agency,
        "field_slug": filters.field,
        "levels": filters.level,
        "online": online,
        "postal": None if filters.postal is None else ("1" if filters.postal else "0"),
    }


def _ranked(session: Session, filters: Filters, result) -> Page:
    found = {
        p.id: p
        for p in session.scalars(
            select(Procedure).where(Procedure.id.in_(result.ids)).options(selectinload(Procedure.field))
        )
    }
    items = [found[i] for i in result.ids if i in found]
    return Page(
        items,
        result.total,
        filters.page,
        filters.per_page,
        result.facets,
        result.suggestion,
        result.words,
        result.variants,
    )


def popular(session: Session, limit: int = 6) -> list[Procedure]:
    """Procedures with the most case files, for a search that found nothing."""
    from app.models import Case

    codes = [
        code
        for (code,) in session.execute(
            select(Case.procedure_code)
            .where(Case.procedure_code.is_not(None))
            .group_by(Case.procedure_code)
            .order_by(func.count().desc())
            .limit(limit)
        )
    ]
    if not codes:
        return []
    found = {p.code: p for p in session.scalars(select(Procedure).where(Procedure.code.in_(codes)))}
    return [found[c] for c in codes if c in found]


def levels_in_use(session: Session) -> list[tuple[Level, int]]:
    """The levels some procedure is carried out at, with their procedure counts, in the list's order:
    a level no procedure has (the districts, since July 2025) is not offered."""
    found = []
    for level in Level:
        count = session.scalar(select(func.count(Procedure.id)).where(Procedure.level_keys.contains(f"|{level}|")))
        if count:
            found.append((level, count))
    return found


def filter_options(session: Session, counted: bool = True) -> dict:
    """Agencies, fields and levels for the browse form, with their procedure counts when `counted`.

    A search brings its own counts (the facets), so it asks for the names only and skips the
    aggregate over every procedure.
    """
    fields: list[tuple[str, str, int | None]]
    agencies: list[tuple[str, str, int | None]]
    if not counted:
        fields = [(slug, name, None) for slug, name in session.execute(select(Field.slug, Field.name))]
        agencies = [
            (code, name, None)
            for code, name in session.execute(
                select(Agency.code, Agency.name).where(Agency.id.in_(select(ProcedureAgency.agency_id)))
            )
        ]
        return {"fields": in_name_order(fields), "agencies": in_name_order(agencies), "levels": levels_in_use(session)}
    fields = [
        tuple(row)
        for row in session.execute(
            select(Field.slug, Field.name, func.count(Procedure.id))
            .join(Procedure, Procedure.field_id == Field.id)
            .group_by(Field.id)
        )
    ]
    agencies = [
        tuple(row)
        for row in session.execute(
            select(Agency.code, Agency.name, func.count(ProcedureAgency.procedure_id))
            .join(ProcedureAgency, ProcedureAgency.agency_id == Agency.id)
            .group_by(Agency.id)
        )
    ]
    return {"fields": in_name_order(fields), "agencies": in_name_order(agencies), "levels": levels_in_use(session)}


def in_name_order(choices: list) -> list:
    """(value, name, count) choices in Vietnamese alphabetical order of their names."""
    return sorted(choices, key=lambda choice: collation_key(choice[1]))


def procedures_named(session: Session, words: str, limit: int, include_abolished: bool = False) -> list[Procedure]:
    """Procedures whose code or name holds every word typed (without diacritics), shortest names first."""
    folded = fold(words).split()[:8]
    if not folded:
        return []
    query = select(Procedure)
    if not include_abolished:
        query = query.where(Procedure.status != ProcedureStatus.ABOLISHED)
    for word in folded:
        query = query.where(Procedure.name_folded.contains(word, autoescape=True))
    return list(session.scalars(query.order_by(func.length(Procedure.name), Procedure.code).limit(limit)))
