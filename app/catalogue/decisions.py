"""Publication decisions: who issued one when no source says (its number names the body), the
order they are listed in, and a search of them.

A decision's number follows the national rules for documents ("163/QĐ-BTP": number, kind, body;
Nghị định 30/2020/NĐ-CP): the body's abbreviation after the kind names its issuer
(`data/issuers.txt`); "UBND" and "CT" are the province itself. The province's own decisions come
first, then the newest; a number sorts by its value (2 before 10), not as text.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Decision, DecisionItem
from app.params import Page
from app.text import collation_key, fold

DATA = Path(__file__).parent / "data" / "issuers.txt"
# The province's People's Committee, and its Chairman.
OWN = ("UBND", "CT")
SORTS = ("date", "number", "issuer", "count")
# "163/QĐ-BTP", "569./QĐ-BXD", "QĐ/0001-BCA", "QĐ-BCA-C06" (a department of the body: the body
# still issues it). A number's value is its first digits.
_NUMBER = re.compile(r"(\d+)")
_BODY = re.compile(r"Q[ĐD]\s*[-–/]?\s*(?:\d+\s*[-–]\s*)?([A-Za-zĐđ]+)")


@functools.cache
def abbreviations() -> dict[str, str]:
    names = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, name = line.partition("=")
            names[key.strip().upper()] = name.strip()
    return names


def body(number: str) -> str | None:
    """The abbreviation of the body a decision's number names ("BTP"), upper-case."""
    found = _BODY.search(number or "")
    return found.group(1).upper() if found else None


def issuer_of(number: str, own: str) -> str | None:
    """The issuer a decision's number names: a body of `data/issuers.txt`, or `own` (the site's
    province, SITE_OWNER) for its People's Committee; None when the number names no known body."""
    abbreviation = body(number)
    if abbreviation in OWN:
        return own
    return abbreviations().get(abbreviation or "")


def number_value(number: str) -> int:
    found = _NUMBER.search(number or "")
    return int(found.group(1)) if found else 0


@dataclass
class Listed:
    """A decision as the list shows it: its issuer from a source or from its number."""

    id: int
    number: str
    date: dt.date | None
    issuer: str | None
    issuer_given: bool  # False: read from the number
    own: bool
    count: int


def listed(session: Session, own: str) -> list[Listed]:
    counts = dict(
        session.execute(select(DecisionItem.decision_id, func.count()).group_by(DecisionItem.decision_id))
        .tuples()
        .all()
    )
    rows = session.execute(select(Decision.id, Decision.number, Decision.date, Decision.issuer)).tuples()
    found = []
    for decision_id, number, date, issuer in rows:
        read = issuer or issuer_of(number, own)
        mine = body(number) in OWN or (bool(issuer) and fold(issuer) == fold(own))
        found.append(Listed(decision_id, number, date, read, bool(issuer), mine, counts.get(decision_id, 0)))
    return found


def search(
    session: Session,
    own: str,
    q: str = "",
    sort: str = "date",
    descending: bool = True,
    page: int = 1,
    per_page: int = 30,
) -> Page:
    """The decisions whose number or issuer holds every word of `q` (marks ignored), the province's
    own first, then in `sort` order (date: undated last; number: by value; issuer: alphabetical)."""
    words = fold(q).split()
    items = [d for d in listed(session, own) if all(w in fold(f"{d.number} {d.issuer or ''}") for w in words)]

    def key(d: Listed):
        if sort == "number":
            return (number_value(d.number), d.number)
        if sort == "issuer":
            return (
                (d.issuer is not None, collation_key(d.issuer))
                if descending
                else (d.issuer is None, collation_key(d.issuer))
            )
        if sort == "count":
            return (d.count, d.number)
        return (d.date or dt.date.min, number_value(d.number))

    items.sort(key=key, reverse=descending)
    if sort == "date" and descending:  # undated ones last whichever way the dates go
        items.sort(key=lambda d: d.date is None)
    items.sort(key=lambda d: not d.own)  # stable: the province's own first, each in the order above
    start = (page - 1) * per_page
    return Page(items[start : start + per_page], len(items), page, per_page)
