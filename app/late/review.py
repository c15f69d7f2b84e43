"""Reviewing a month before it is published: what changed since the published revision, and
whether the month looks incomplete beside the months around it."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.late.rules import Month
from app.late.store import COUNT_FIELDS, AgencyCounts, LateFileFacts, MonthFigures, OfficerCounts
from app.models import Case

# The months on each side that the incompleteness check compares with.
SPAN = 3
# A month is sparse below this share of its neighbours' median of resolved files.
SPARSE_SHARE = 0.5

# What a late file publishes beside its code; its procedure's name follows the catalogue, not the month.
FILE_DETAILS = (
    "procedure_code",
    "agency_id",
    "received_at",
    "due_at",
    "finished_at",
    "days_late",
    "officers",
    "apology",
    "reason",
    "rescheduled_to",
    "supplements",
)
OFFICER_COUNTS = ("late_files", "days_late")


@dataclass(frozen=True)
class Difference:
    """One published value beside its value computed now."""

    name: str
    before: object
    after: object


@dataclass
class Change:
    """A file, agency or officer that is in both computations with different details."""

    key: Any
    before: Any
    after: Any
    differences: list[Difference] = field(default_factory=list)


@dataclass
class MonthChanges:
    """What the month computed now would change in its published revision."""

    became_late: list[LateFileFacts] = field(default_factory=list)
    no_longer_late: list[LateFileFacts] = field(default_factory=list)
    files: list[Change] = field(default_factory=list)
    agencies: list[Change] = field(default_factory=list)
    officers: list[Change] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.became_late or self.no_longer_late or self.files or self.agencies or self.officers)


def by_days_late(files: Iterable[LateFileFacts]) -> list[LateFileFacts]:
    """The late files, the latest first, then by code."""
    return sorted(files, key=lambda f: (-f.days_late, f.case_code))


def compare(published: MonthFigures, computed: MonthFigures) -> MonthChanges:
    """The late files that became late or stopped being late, and the files, agencies and officers
    whose published details differ from those computed now."""
    before, after = published.files, computed.files
    changes = MonthChanges(
        became_late=by_days_late(f for code, f in after.items() if code not in before),
        no_longer_late=by_days_late(f for code, f in before.items() if code not in after),
    )
    changes.files = _changed(before, after, FILE_DETAILS, vars)
    changes.files.sort(key=lambda c: (-c.after.days_late, c.key))
    changes.agencies = _changed_counts(published.agencies, computed.agencies, AgencyCounts(), COUNT_FIELDS)
    empty_officer = OfficerCounts("", None, None)
    changes.officers = _changed_counts(published.officers, computed.officers, empty_officer, OFFICER_COUNTS)
    return changes


def _changed(before: Mapping, after: Mapping, names: tuple[str, ...], values: Callable) -> list[Change]:
    found = []
    for key in before.keys() & after.keys():
        old, new = values(before[key]), values(after[key])
        differences = [Difference(n, old[n], new[n]) for n in names if old[n] != new[n]]
        if differences:
            found.append(Change(key, before[key], after[key], differences))
    return found


def _changed_counts(before: Mapping, after: Mapping, empty, names: tuple[str, ...]) -> list[Change]:
    """Counts that differ, a key present on one side only counting as zeros on the other."""
    keys = before.keys() | after.keys()
    full_before = {k: before.get(k, empty) for k in keys}
    full_after = {k: after.get(k, empty) for k in keys}
    found = _changed(full_before, full_after, names, asdict)
    for change in found:
        change.before, change.after = before.get(change.key), after.get(change.key)
    return sorted(found, key=lambda c: str(c.key))


@dataclass(frozen=True)
class Completeness:
    """How many files a month resolved beside the months around it that have files."""

    month: Month
    resolved: int
    received: int
    neighbours: dict[Month, int]  # in calendar order
    median: float | None

    @property
    def sparse(self) -> bool:
        """Far fewer resolved files than the months around it."""
        return self.median is not None and self.resolved < self.median * SPARSE_SHARE

    @property
    def nothing_resolved(self) -> bool:
        """Files were received in the month but none was resolved."""
        return self.received > 0 and self.resolved == 0

    @property
    def suspicious(self) -> bool:
        return self.sparse or self.nothing_resolved


def completeness(month: Month, resolved: Mapping[Month, int], received: int, span: int = SPAN) -> Completeness:
    """Judge `month` from the resolved files of each month (months absent count as none) and the
    files received in it: the median is over up to `span` months on each side that resolved any."""
    around = _around(month, span)
    neighbours = {m: resolved[m] for m in around if m != month and resolved.get(m, 0) > 0}
    median = statistics.median(neighbours.values()) if neighbours else None
    return Completeness(month, resolved.get(month, 0), received, neighbours, median)


def _around(month: Month, span: int) -> list[Month]:
    """The months from `span` before `month` to `span` after it."""
    first = month.year * 12 + month.month - 1 - span
    return [Month(i // 12, i % 12 + 1) for i in range(first, first + 2 * span + 1)]


def month_activity(session: Session, month: Month, span: int = SPAN) -> tuple[dict[Month, int], int]:
    """The files resolved in each month from `span` months before `month` to `span` after, and the
    files received in `month` (withdrawn and rejected files left out, as in every figure)."""
    months = _around(month, span)
    resolved = [
        func.sum(case(((Case.finished_at >= m.start) & (Case.finished_at < m.cutoff), 1), else_=0)) for m in months
    ]
    counts = session.execute(
        select(*resolved).where(
            Case.status.is_(None), Case.finished_at >= months[0].start, Case.finished_at < months[-1].cutoff
        )
    ).one()
    received = session.scalar(
        select(func.count(Case.id)).where(
            Case.status.is_(None), Case.received_at >= month.start, Case.received_at < month.cutoff
        )
    )
    return {m: int(n or 0) for m, n in zip(months, counts, strict=True)}, int(received or 0)
