"""Satisfaction results by agency, officer and month, computed live from the ratings."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.codes import N_
from app.columns import Column, Sort, Table
from app.feedback.codes import SATISFIED, Overall
from app.late.rules import Month, percent
from app.late.tables import Period, read_period
from app.models import Agency, Officer, Rating

# Officers appear in the results only with at least this many ratings in the period.
MIN_OFFICER_RATINGS = 5

AGENCY_TABLE = Table(
    columns=(
        Column("agency_code"),
        Column("agency_name", N_("Cơ quan"), sort="name", descending=False, link="agency_code"),
        Column("ratings", N_("Số đánh giá"), sort="ratings", format="number", total=True),
        *(Column(overall.value, overall.label, format="number", total=True) for overall in Overall),
        Column(
            "satisfied_pct",
            N_("Tỷ lệ hài lòng"),
            sort="satisfied_pct",
            format="percent",
            total=True,
            doc="Share of ratings very satisfied or satisfied, 0 to 100, one decimal",
        ),
        # The label's maximum is that of the criteria set in force, given by the template.
        Column(
            "average_score",
            N_("Điểm trung bình (/%(max)s)"),
            sort="average_score",
            format="score",
            total=True,
            doc="Mean total (out of {max_score}) of the ratings that scored all {criteria} criteria, one decimal",
        ),
        Column("scored_all_criteria", format="number", total=True),
        Column("verified", format="number", total=True),
        Column(
            "verified_pct",
            N_("Tỷ lệ đã đối chiếu"),
            sort="verified",
            format="percent",
            total=True,
            doc="Share of ratings whose case code matched a file",
        ),
    ),
    default_sort="ratings",
    ties=("agency_name",),
    totals_label=N_("Toàn tỉnh"),
    csv_order=(
        "agency_code",
        "agency_name",
        "ratings",
        "satisfied_pct",
        "average_score",
        "very_satisfied",
        "satisfied",
        "unsatisfied",
        "scored_all_criteria",
        "verified",
        "verified_pct",
    ),
)


def average(total: int, count: int) -> float | None:
    """total / count to one decimal, halves rounded up, in exact integer arithmetic."""
    if not count:
        return None
    tenths = (total * 20 + count) // (2 * count)
    return tenths / 10


@dataclass
class Figures:
    ratings: int = 0
    very_satisfied: int = 0
    satisfied: int = 0
    unsatisfied: int = 0
    complete: int = 0  # ratings that scored every criterion
    score_sum: int = 0  # their scores added up
    verified: int = 0

    @property
    def satisfied_pct(self) -> float | None:
        return percent(sum(getattr(self, overall.value) for overall in SATISFIED), self.ratings)

    @property
    def average_score(self) -> float | None:
        return average(self.score_sum, self.complete)

    @property
    def verified_pct(self) -> float | None:
        return percent(self.verified, self.ratings)

    def add(self, other: Figures) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        return _numbers(self)


@dataclass
class AgencyResult:
    agency_code: str
    agency_name: str
    figures: Figures

    def as_dict(self) -> dict:
        return {"agency_code": self.agency_code, "agency_name": self.agency_name, **_numbers(self.figures)}


@dataclass
class OfficerResult:
    officer_code: str
    officer_name: str
    officer_title: str | None
    agency_code: str | None
    agency_name: str | None
    figures: Figures

    def as_dict(self) -> dict:
        return {
            "officer_code": self.officer_code,
            "officer_name": self.officer_name,
            "officer_title": self.officer_title,
            "agency_code": self.agency_code,
            **_numbers(self.figures),
        }


def _numbers(f: Figures) -> dict:
    return {
        "ratings": f.ratings,
        "satisfied_pct": f.satisfied_pct,
        "average_score": f.average_score,
        "very_satisfied": f.very_satisfied,
        "satisfied": f.satisfied,
        "unsatisfied": f.unsatisfied,
        "scored_all_criteria": f.complete,
        "verified": f.verified,
        "verified_pct": f.verified_pct,
    }


def _columns():
    def count_if(condition):
        return func.sum(case((condition, 1), else_=0))

    # In the order of Figures: very satisfied, satisfied, unsatisfied (the order of Overall).
    return (
        func.count(Rating.id),
        *(count_if(Rating.overall == overall.value) for overall in Overall),
        count_if(Rating.complete.is_(True)),
        func.sum(case((Rating.complete.is_(True), Rating.score_total), else_=0)),
        count_if(Rating.verified.is_(True)),
    )


def _figures(values) -> Figures:
    return Figures(*(int(v or 0) for v in values))


@dataclass
class Results:
    period: Period
    agencies: list[AgencyResult] = field(default_factory=list)
    totals: Figures = field(default_factory=Figures)


def agency_results(
    session: Session, period: Period, agency_ids: set[int] | None = None, sort: Sort | None = None
) -> Results:
    """Each agency's figures over the period (only agencies rated in it), with the totals, in the
    order `sort` (default: AGENCY_TABLE's)."""
    query = (
        select(Agency.code, Agency.name, *_columns())
        .join(Agency, Agency.id == Rating.agency_id)
        .where(Rating.month.in_(period.months))
        .group_by(Agency.id, Agency.code, Agency.name)
    )
    if agency_ids is not None:
        query = query.where(Rating.agency_id.in_(agency_ids))
    results = Results(period)
    for code, name, *values in session.execute(query):
        row = AgencyResult(code, name, _figures(values))
        results.agencies.append(row)
        results.totals.add(row.figures)
    AGENCY_TABLE.sort_rows(results.agencies, sort or AGENCY_TABLE.parse_sort({}))
    return results


def officer_results(session: Session, period: Period, agency_ids: set[int] | None = None) -> list[OfficerResult]:
    """Officers with at least MIN_OFFICER_RATINGS ratings in the period, the most rated first."""
    query = (
        select(Officer.code, Officer.name, Officer.title, Agency.code, Agency.name, *_columns())
        .join(Officer, Officer.id == Rating.officer_id)
        .outerjoin(Agency, Agency.id == Officer.agency_id)
        .where(Rating.month.in_(period.months))
        .group_by(Officer.id, Officer.code, Officer.name, Officer.title, Agency.code, Agency.name)
        .having(func.count(Rating.id) >= MIN_OFFICER_RATINGS)
    )
    if agency_ids is not None:
        query = query.where(Rating.agency_id.in_(agency_ids))
    rows = [
        OfficerResult(code, name, title, agency_code, agency_name, _figures(values))
        for code, name, title, agency_code, agency_name, *values in session.execute(query)
    ]
    rows.sort(key=lambda r: (-r.figures.ratings, r.officer_name))
    return rows


def officer_months(session: Session, officer_code: str) -> list[tuple[str, Figures]]:
    """The officer's figures in each month they had at least MIN_OFFICER_RATINGS ratings, the
    latest first (the months the satisfaction table names them)."""
    query = (
        select(Rating.month, *_columns())
        .join(Officer, Officer.id == Rating.officer_id)
        .where(Officer.code == officer_code)
        .group_by(Rating.month)
        .having(func.count(Rating.id) >= MIN_OFFICER_RATINGS)
        .order_by(Rating.month.desc())
    )
    return [(month, _figures(values)) for month, *values in session.execute(query)]


def monthly(session: Session, period: Period, agency_id: int | None = None) -> list[tuple[str, Figures]]:
    """The figures of each month of the period (all agencies, or one)."""
    query = select(Rating.month, *_columns()).where(Rating.month.in_(period.months)).group_by(Rating.month)
    if agency_id is not None:
        query = query.where(Rating.agency_id == agency_id)
    found = {month: _figures(values) for month, *values in session.execute(query)}
    return [(month, found.get(month, Figures())) for month in period.months]


def recent_period(months: list[str], count: int = 12) -> Period | None:
    """The last `count` of `months` (latest first) as one period, oldest first; None without months."""
    if not months:
        return None
    return Period(Month.parse(months[min(count, len(months)) - 1]), Month.parse(months[0]))


def satisfaction_period(session: Session, args, agency_id: int | None = None) -> tuple[Period | None, list[str]]:
    """The period asked for, else the latest month with ratings (None when there are none), and
    the rated months, the latest first."""
    months = rated_months(session, agency_id)
    return read_period(args, months[0] if months else None), months


def rated_months(session: Session, agency_id: int | None = None) -> list[str]:
    """Months with at least one rating, the latest first."""
    query = select(Rating.month).distinct().order_by(Rating.month.desc())
    if agency_id is not None:
        query = query.where(Rating.agency_id == agency_id)
    return list(session.scalars(query))


def recent_comments(session: Session, agency_id: int, limit: int = 5) -> list[Rating]:
    """The agency's latest rating comments that the Office has not hidden."""
    return list(
        session.scalars(
            select(Rating)
            .where(Rating.agency_id == agency_id, Rating.comment.is_not(None), Rating.comment_hidden.is_(False))
            .order_by(Rating.created_at.desc(), Rating.id.desc())
            .limit(limit)
        )
    )
