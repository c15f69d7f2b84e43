"""Satisfaction results by agency, officer and month, computed live from the ratings."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from app.codes import N_
from app.columns import Column, Sort, Table
from app.feedback.codes import SATISFIED, Overall
from app.late.rules import Month, percent
from app.late.tables import Period, read_period
from app.models import Agency, Officer, Rating

# An officer is named, and an agency's shares shown, only from this many verified ratings in the
# period (SATISFACTION_MIN_RATINGS): one forged or lone rating never makes a public 0,0%.
MIN_RATINGS = 5

AGENCY_TABLE = Table(
    columns=(
        Column("agency_code", heading=N_("Mã cơ quan")),
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
        Column(
            "unverified_ratings",
            N_("Đánh giá chưa đối chiếu"),
            sort="unverified_ratings",
            format="number",
            total=True,
            doc="Ratings given without the file's receipt token: counted apart, never in the figures before",
        ),
        Column(
            "unverified_satisfied_pct",
            N_("Hài lòng (chưa đối chiếu)"),
            format="percent",
            total=True,
            doc="Share of the unverified ratings very satisfied or satisfied, 0 to 100, one decimal",
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
        "unverified_ratings",
        "unverified_satisfied_pct",
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
    """A group's ratings: the verified ones (given with the file's receipt token) make every
    figure; the unverified are counted apart. Shares are None below `minimum` ratings."""

    ratings: int = 0  # verified
    very_satisfied: int = 0
    satisfied: int = 0
    unsatisfied: int = 0
    complete: int = 0  # verified ratings that scored every criterion
    score_sum: int = 0  # their scores added up
    unverified: int = 0
    unverified_satisfied: int = 0
    minimum: int = field(default=0, compare=False)

    @property
    def shown(self) -> bool:
        """Enough verified ratings for the shares to be published."""
        return self.ratings >= max(self.minimum, 1)

    @property
    def satisfied_pct(self) -> float | None:
        if not self.shown:
            return None
        return percent(sum(getattr(self, overall.value) for overall in SATISFIED), self.ratings)

    @property
    def average_score(self) -> float | None:
        return average(self.score_sum, self.complete) if self.shown else None

    @property
    def unverified_satisfied_pct(self) -> float | None:
        if self.unverified < max(self.minimum, 1):
            return None
        return percent(self.unverified_satisfied, self.unverified)

    def add(self, other: Figures) -> None:
        for name in vars(self):
            if name != "minimum":
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
        "unverified_ratings": f.unverified,
        "unverified_satisfied_pct": f.unverified_satisfied_pct,
    }


def _columns():
    def count_if(*conditions):
        return func.sum(case((and_(*conditions), 1), else_=0))

    verified = Rating.verified.is_(True)
    unverified = Rating.verified.is_(False)
    # In the order of Figures: very satisfied, satisfied, unsatisfied (the order of Overall).
    return (
        count_if(verified),
        *(count_if(verified, Rating.overall == overall.value) for overall in Overall),
        count_if(verified, Rating.complete.is_(True)),
        func.sum(case((and_(verified, Rating.complete.is_(True)), Rating.score_total), else_=0)),
        count_if(unverified),
        count_if(unverified, Rating.overall.in_([o.value for o in SATISFIED])),
    )


def _figures(values, minimum: int) -> Figures:
    figures = Figures(*(int(v or 0) for v in values))
    figures.minimum = minimum
    return figures


@dataclass
class Results:
    period: Period
    agencies: list[AgencyResult] = field(default_factory=list)
    totals: Figures = field(default_factory=Figures)


def agency_results(
    session: Session,
    period: Period,
    agency_ids: set[int] | None = None,
    sort: Sort | None = None,
    minimum: int = MIN_RATINGS,
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
    results.totals.minimum = minimum
    for code, name, *values in session.execute(query):
        row = AgencyResult(code, name, _figures(values, minimum))
        results.agencies.append(row)
        results.totals.add(row.figures)
    AGENCY_TABLE.sort_rows(results.agencies, sort or AGENCY_TABLE.parse_sort({}))
    return results


def officer_results(
    session: Session, period: Period, agency_ids: set[int] | None = None, minimum: int = MIN_RATINGS
) -> list[OfficerResult]:
    """Officers with at least the minimum of verified ratings in the period, the most rated first.
    A rating without the file's receipt token never counts for an officer."""
    query = (
        select(Officer.code, Officer.name, Officer.title, Agency.code, Agency.name, *_columns())
        .join(Officer, Officer.id == Rating.officer_id)
        .outerjoin(Agency, Agency.id == Officer.agency_id)
        .where(Rating.month.in_(period.months), Rating.verified.is_(True))
        .group_by(Officer.id, Officer.code, Officer.name, Officer.title, Agency.code, Agency.name)
        .having(func.count(Rating.id) >= minimum)
    )
    if agency_ids is not None:
        query = query.where(Rating.agency_id.in_(agency_ids))
    rows = [
        OfficerResult(code, name, title, agency_code, agency_name, _figures(values, minimum))
        for code, name, title, agency_code, agency_name, *values in session.execute(query)
    ]
    rows.sort(key=lambda r: (-r.figures.ratings, r.officer_name))
    return rows


def officer_months(session: Session, officer_code: str, minimum: int = MIN_RATINGS) -> list[tuple[str, Figures]]:
    """The officer's figures in each month they had at least the minimum of verified ratings, the
    latest first (the months the satisfaction table names them)."""
    query = (
        select(Rating.month, *_columns())
        .join(Officer, Officer.id == Rating.officer_id)
        .where(Officer.code == officer_code, Rating.verified.is_(True))
        .group_by(Rating.month)
        .having(func.count(Rating.id) >= minimum)
        .order_by(Rating.month.desc())
    )
    return [(month, _figures(values, minimum)) for month, *values in session.execute(query)]


def monthly(
    session: Session, period: Period, agency_id: int | None = None, minimum: int = MIN_RATINGS
) -> list[tuple[str, Figures]]:
    """The figures of each month of the period (all agencies, or one)."""
    query = select(Rating.month, *_columns()).where(Rating.month.in_(period.months)).group_by(Rating.month)
    if agency_id is not None:
        query = query.where(Rating.agency_id == agency_id)
    found = {month: _figures(values, minimum) for month, *values in session.execute(query)}
    return [(month, found.get(month, Figures(minimum=minimum))) for month in period.months]


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
    """The agency's latest rating comments that the Office approved (and has not hidden since)."""
    return list(
        session.scalars(
            select(Rating)
            .where(Rating.agency_id == agency_id, published_comment())
            .order_by(Rating.created_at.desc(), Rating.id.desc())
            .limit(limit)
        )
    )


def published_comment():
    """The condition of a rating whose comment the public sees: approved, not hidden since."""
    return and_(Rating.comment.is_not(None), Rating.comment_approved.is_(True), Rating.comment_hidden.is_(False))


def waiting_comments(session: Session) -> int:
    """Rating comments the Office has neither approved nor hidden yet."""
    return (
        session.scalar(
            select(func.count(Rating.id)).where(
                Rating.comment.is_not(None), Rating.comment_approved.is_(False), Rating.comment_hidden.is_(False)
            )
        )
        or 0
    )
