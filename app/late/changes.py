"""Changes over time in the agency table: each agency's late files, on-time rate and rank in a period
against the period just before it (as long) or the same months a year earlier.

A change is the difference of the two published figures, so a reader who subtracts the numbers the
site shows gets the change it shows: late files exactly, the on-time rate in points of the rates as
published (one decimal). The rank orders the agencies of the table (with the same filters) by on-time
rate, highest first; agencies with equal rates share a rank ("1, 2, 2, 4"); an agency that resolved
nothing has no rate and no rank. A rank's change is positive when the agency moved up.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.codes import N_
from app.columns import Column, Sort, Table
from app.late.tables import AgencyRow, Period, agency_table
from app.models import PublishedMonth
from app.params import BadParameter

COMPARISONS = {"previous": N_("Kỳ liền trước"), "year": N_("Cùng kỳ năm trước")}

CHANGE_TABLE = Table(
    columns=(
        Column("agency_code", heading=N_("Mã cơ quan")),
        Column("agency_name", N_("Cơ quan"), sort="name", descending=False, link="agency_code"),
        Column("late", N_("Trễ hạn"), sort="late", format="number", total=True),
        Column("late_before", N_("Trễ hạn kỳ so sánh"), sort="late_before", format="number", total=True, nullable=True),
        Column(
            "late_change",
            N_("Thay đổi số trễ hạn"),
            sort="late_change",
            format="change",
            total=True,
            doc="late files now minus late files in the comparison period",
        ),
        Column(
            "on_time_rate",
            N_("Tỷ lệ đúng hạn"),
            sort="on_time_rate",
            descending=False,
            format="percent",
            total=True,
            doc="0 to 100, one decimal",
        ),
        Column(
            "on_time_rate_before",
            N_("Tỷ lệ đúng hạn kỳ so sánh"),
            sort="on_time_rate_before",
            descending=False,
            format="percent",
            total=True,
        ),
        Column(
            "on_time_rate_change",
            N_("Thay đổi tỷ lệ (điểm phần trăm)"),
            sort="on_time_rate_change",
            descending=False,
            format="points",
            total=True,
            doc="on_time_rate minus on_time_rate_before, in percentage points, one decimal",
        ),
        Column(
            "rank",
            N_("Thứ hạng"),
            sort="rank",
            descending=False,
            format="number",
            nullable=True,
            doc="1 for the highest on-time rate among the agencies listed; equal rates share a rank",
        ),
        Column(
            "rank_before",
            N_("Thứ hạng kỳ so sánh"),
            sort="rank_before",
            descending=False,
            format="number",
            nullable=True,
        ),
        Column(
            "rank_change",
            N_("Thay đổi thứ hạng"),
            sort="rank_change",
            format="change",
            doc="rank_before minus rank: positive when the agency moved up",
        ),
    ),
    default_sort="late_change",
    ties=("agency_name",),
    totals_label=N_("Tổng cộng"),
)


def read_compare(args) -> str | None:
    """Read `compare` (previous or year; empty: no comparison); else BadParameter."""
    value = args.get("compare") or None
    if value is not None and value not in COMPARISONS:
        raise BadParameter("compare", value, ", ".join(COMPARISONS))
    return value


def comparison_period(period: Period, how: str) -> Period:
    """The period a table is compared with: as many months just before it, or the same months a year earlier."""
    if how == "previous":
        length = len(period.months)
        return Period(period.first.plus(-length), period.first.plus(-1))
    return Period(period.first.plus(-12), period.last.plus(-12))


def ranks(rows: list[AgencyRow]) -> dict[str, int]:
    """Each agency's rank by on-time rate, highest first, equal rates sharing the better rank."""
    rated = sorted((r.on_time_rate, r.agency_code) for r in rows if r.on_time_rate is not None)
    rated.reverse()
    found: dict[str, int] = {}
    for position, (rate, code) in enumerate(rated, start=1):
        previous = rated[position - 2] if position > 1 else None
        found[code] = found[previous[1]] if previous and previous[0] == rate else position
    return found


def _minus(now, before):
    return None if now is None or before is None else now - before


@dataclass
class ChangeRow:
    agency_code: str
    agency_name: str
    late: int
    late_before: int | None
    on_time_rate: float | None
    on_time_rate_before: float | None
    rank: int | None = None
    rank_before: int | None = None

    @property
    def late_change(self) -> int | None:
        return _minus(self.late, self.late_before)

    @property
    def on_time_rate_change(self) -> float | None:
        change = _minus(self.on_time_rate, self.on_time_rate_before)
        # Both rates have one decimal: their difference has one too, without the float's noise.
        return None if change is None else round(change, 1)

    @property
    def rank_change(self) -> int | None:
        return _minus(self.rank_before, self.rank)

    def as_dict(self) -> dict:
        return {
            "agency_code": self.agency_code,
            "agency_name": self.agency_name,
            "late": self.late,
            "late_before": self.late_before,
            "late_change": self.late_change,
            "on_time_rate": self.on_time_rate,
            "on_time_rate_before": self.on_time_rate_before,
            "on_time_rate_change": self.on_time_rate_change,
            "rank": self.rank,
            "rank_before": self.rank_before,
            "rank_change": self.rank_change,
        }


@dataclass
class ChangeTable:
    period: Period
    how: str
    before: Period
    published: bool  # every month of the comparison period is published (else nothing is compared)
    rows: list[ChangeRow]
    totals: ChangeRow

    def as_dict(self) -> dict:
        """The comparison period as the API and the page describe it."""
        return {**self.before.as_dict(), "compare": self.how, "published": self.published}


def _is_published(session: Session, period: Period) -> bool:
    months = period.months
    found = session.scalar(select(func.count()).where(PublishedMonth.month.in_(months)))
    return found == len(months)


def change_table(session: Session, period: Period, how: str, args=None, sort: Sort | None = None) -> ChangeTable:
    """The agencies of the period's table (filtered by `level` and `parent` as it is) with their figures
    in the comparison period `how`, in the order `sort` (default: CHANGE_TABLE's)."""
    now = agency_table(session, period, args)
    before_period = comparison_period(period, how)
    published = _is_published(session, before_period)
    before = agency_table(session, before_period, args) if published else None
    earlier = {row.agency_code: row for row in before.rows} if before else {}
    rank_now, rank_before = ranks(now.rows), ranks(before.rows) if before else {}
    rows = []
    for row in now.rows:
        old = earlier.get(row.agency_code)
        rows.append(
            ChangeRow(
                row.agency_code,
                row.agency_name,
                row.late,
                old.late if old else None,
                row.on_time_rate,
                old.on_time_rate if old else None,
                rank_now.get(row.agency_code),
                rank_before.get(row.agency_code),
            )
        )
    totals = ChangeRow(
        "",
        "",
        now.totals.late,
        before.totals.late if before else None,
        now.totals.on_time_rate,
        before.totals.on_time_rate if before else None,
    )
    CHANGE_TABLE.sort_rows(rows, sort or CHANGE_TABLE.parse_sort({}))
    return ChangeTable(period, how, before_period, published, rows, totals)
