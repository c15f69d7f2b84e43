"""The published late tables read back for pages, CSV and the API: periods, filters, sorting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.codes import N_
from app.columns import Column, Sort, Table
from app.late.rules import Month, national_rate, on_time_rate
from app.late.store import CHUNK, COUNT_FIELDS, AgencyCounts
from app.models import Agency, AgencyMonth, LateFile, LateFileOfficer, OfficerMonth, PublishedMonth
from app.params import BadParameter, Page, int_param
from app.text import fold

MAX_MONTHS = 120
CODE = N_("Mã cơ quan")  # the spreadsheets' header of the agency codes
# A month's counts, as publishing stores them.
COUNTS = COUNT_FIELDS
# Counts of the files open at a month's end: a period takes them from its last month.
AT_END = frozenset({"pending_overdue", "waiting_applicant", "pending"})

AGENCY_TABLE = Table(
    columns=(
        Column("agency_code", heading=CODE),
        Column("agency_name", N_("Cơ quan"), sort="name", descending=False, link="agency_code"),
        Column("resolved", N_("Đã giải quyết"), sort="resolved", format="number", total=True),
        Column("early", N_("Trước hạn"), sort="early", format="number", total=True),
        Column("on_time", N_("Đúng hạn"), sort="on_time", format="number", total=True),
        Column("late", N_("Trễ hạn"), sort="late", format="number", total=True),
        # The lowest rate first: who is furthest from the target.
        Column(
            "on_time_rate",
            N_("Tỷ lệ đúng hạn"),
            sort="on_time_rate",
            descending=False,
            format="percent",
            total=True,
            doc="0 to 100, one decimal",
        ),
        Column("pending_overdue", N_("Quá hạn chưa giải quyết"), sort="pending_overdue", format="number", total=True),
        Column("apologies", N_("Văn bản xin lỗi"), sort="apologies", format="number", total=True),
        Column(
            "waiting_applicant",
            N_("Chờ bổ sung hồ sơ"),
            sort="waiting_applicant",
            format="number",
            total=True,
            doc="files waiting for the applicant's documents at the end of the period",
        ),
        Column(
            "repeat_supplement",
            N_("Yêu cầu bổ sung nhiều lần"),
            sort="repeat_supplement",
            format="number",
            total=True,
            doc="files resolved in the period whose agency asked for documents more than once (all counted late)",
        ),
        Column(
            "pending",
            None,
            heading=N_("Chưa giải quyết cuối kỳ"),
            format="number",
            total=True,
            doc="files received and not finished at the period's end",
        ),
        Column(
            "national_rate",
            N_("Chỉ số 2.1 (QĐ 766)"),
            sort="national_rate",
            descending=False,
            format="percent",
            total=True,
            doc="indicator 2.1 of Quyết định 766/QĐ-TTg: (early + on time + pending within time) / (resolved + pending)"
            " × 100, one decimal",
        ),
    ),
    default_sort="late",
    ties=("agency_name",),
    totals_label=N_("Tổng cộng"),
)

OFFICER_TABLE = Table(
    columns=(
        Column("officer_code", nullable=True, heading=N_("Mã cán bộ")),
        Column("officer_name", N_("Họ và tên"), sort="name", descending=False, nullable=True),
        Column("officer_title", N_("Chức vụ"), nullable=True),
        Column("agency_code", nullable=True, heading=CODE),
        Column("agency_name", N_("Cơ quan"), sort="agency", descending=False, link="agency_code", api=None),
        Column("late_files", N_("Số hồ sơ trễ hạn"), sort="late_files", format="number"),
        Column("days_late", N_("Tổng số ngày trễ"), sort="days_late", format="number"),
    ),
    default_sort="late_files",
    ties=("officer_name", "officer_code"),
)


class MonthNotPublished(LookupError):
    """A period asks for months whose tables are not public."""

    def __init__(self, months: list[str]):
        super().__init__(", ".join(months))
        self.months = months


@dataclass(frozen=True)
class Period:
    first: Month
    last: Month

    @property
    def months(self) -> list[str]:
        return [str(m) for m in self.first.through(self.last)]

    @property
    def single(self) -> bool:
        return self.first == self.last

    def as_dict(self) -> dict:
        return {"from": str(self.first), "to": str(self.last)}


def published_months(session: Session) -> list[PublishedMonth]:
    """Every published month, the latest first."""
    return list(session.scalars(select(PublishedMonth).order_by(PublishedMonth.month.desc())))


def _month(args, name: str) -> Month:
    try:
        return Month.parse(args.get(name, ""))
    except ValueError:
        raise BadParameter(name, args.get(name), "YYYY-MM") from None


def read_period(args, default: str | None) -> Period | None:
    """Read `month` or `from`/`to` (else the month `default`, None when that is None).

    Raise BadParameter for a malformed, reversed or too long period.
    """
    if args.get("month"):
        return Period(_month(args, "month"), _month(args, "month"))
    if args.get("from") or args.get("to"):
        first = _month(args, "from") if args.get("from") else None
        last = _month(args, "to") if args.get("to") else None
        first, last = first or last, last or first
        # One of the two was given, so each side now holds a month.
        assert first is not None and last is not None
        if (last.year, last.month) < (first.year, first.month):
            raise BadParameter("to", args.get("to"), f"≥ {first}")
        if len(first.through(last)) > MAX_MONTHS:
            raise BadParameter("from", args.get("from"), f"≤ {MAX_MONTHS}")
        return Period(first, last)
    return Period(Month.parse(default), Month.parse(default)) if default else None


def parse_period(session: Session, args) -> Period | None:
    """Read `month` or `from`/`to` (default: the latest published month); None if none is published.

    Raise BadParameter for a malformed or reversed period, MonthNotPublished for unpublished months.
    """
    asked = args.get("month") or args.get("from") or args.get("to")
    period = read_period(args, None if asked else session.scalar(select(func.max(PublishedMonth.month))))
    if period is None or not asked:
        return period
    public = set(session.scalars(select(PublishedMonth.month).where(PublishedMonth.month.in_(period.months))))
    missing = [m for m in period.months if m not in public]
    if missing:
        raise MonthNotPublished(missing)
    return period


@dataclass
class AgencyRow:
    agency_code: str
    agency_name: str
    level: str | None
    resolved: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    pending_overdue: int = 0
    apologies: int = 0
    waiting_applicant: int = 0
    repeat_supplement: int = 0
    pending: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return on_time_rate(self.early, self.on_time, self.resolved)

    @property
    def national_rate(self) -> float | None:
        return national_rate(self.early, self.on_time, self.resolved, self.pending, self.pending_overdue)

    def as_dict(self) -> dict:
        return {
            "agency_code": self.agency_code,
            "agency_name": self.agency_name,
            **{k: getattr(self, k) for k in COUNTS},
            "on_time_rate": self.on_time_rate,
            "national_rate": self.national_rate,
        }


@dataclass
class AgencyTable:
    period: Period
    rows: list[AgencyRow]
    totals: AgencyRow = field(default_factory=lambda: AgencyRow("", "", None))


def _subtree(session: Session, code: str, name: str = "parent") -> list[int]:
    """The agency `code` and every agency under it (a parameter `name` naming no agency is refused)."""
    root = session.scalar(select(Agency.id).where(Agency.code == code))
    if root is None:
        raise BadParameter(name, code)
    ids, seen, frontier = [root], {root}, [root]
    while frontier:
        frontier = [
            i for i in session.scalars(select(Agency.id).where(Agency.parent_id.in_(frontier))) if i not in seen
        ]
        seen.update(frontier)
        ids.extend(frontier)
    return ids


def over_period(months: list[AgencyCounts]) -> AgencyCounts:
    """One agency's counts over a period from its months, in order: what is open at the end from
    the last month, the rest summed (what agency_table computes in SQL)."""
    total = AgencyCounts()
    for column in COUNTS:
        values = [getattr(m, column) for m in months]
        setattr(total, column, (values[-1] if values else 0) if column in AT_END else sum(values))
    return total


def agency_table(session: Session, period: Period, args=None, sort: Sort | None = None) -> AgencyTable:
    """Agencies' figures summed over the period (pending overdue: at its end), filtered by `level` and
    `parent`, in the order `sort` (default: AGENCY_TABLE's)."""
    args = args or {}
    last = str(period.last)
    statement = (
        select(
            Agency.code,
            Agency.name,
            Agency.level,
            *(
                func.sum(case((AgencyMonth.month == last, getattr(AgencyMonth, c)), else_=0))
                if c in AT_END
                else func.sum(getattr(AgencyMonth, c))
                for c in COUNTS
            ),
        )
        .join(Agency, Agency.id == AgencyMonth.agency_id)
        .where(AgencyMonth.month.in_(period.months))
        .group_by(Agency.id, Agency.code, Agency.name, Agency.level)
    )
    if args.get("level"):
        statement = statement.where(Agency.level == args["level"])
    if args.get("parent"):
        statement = statement.where(Agency.id.in_(_subtree(session, args["parent"])))
    rows = []
    for code, name, level, *counts in session.execute(statement):
        rows.append(AgencyRow(code, name, level, **dict(zip(COUNTS, counts, strict=True))))
    totals = AgencyRow("", "", None)
    for row in rows:
        for column in COUNTS:
            setattr(totals, column, getattr(totals, column) + getattr(row, column))
    AGENCY_TABLE.sort_rows(rows, sort or AGENCY_TABLE.parse_sort({}))
    return AgencyTable(period, rows, totals)


@dataclass
class OfficerRow:
    officer_code: str
    officer_name: str
    officer_title: str | None
    agency_code: str | None
    agency_name: str | None
    late_files: int
    days_late: int

    def as_dict(self) -> dict:
        return {
            "officer_code": self.officer_code,
            "officer_name": self.officer_name,
            "officer_title": self.officer_title,
            "agency_code": self.agency_code,
            "agency_name": self.agency_name,
            "late_files": self.late_files,
            "days_late": self.days_late,
        }


def officer_table(session: Session, period: Period, args=None, sort: Sort | None = None) -> list[OfficerRow]:
    """Officers responsible for files resolved late in the period, filtered by `agency` and by the words
    of `q` (each beginning a word of the name or code, marks ignored), in the order `sort` (default:
    OFFICER_TABLE's)."""
    args = args or {}
    latest = (
        select(OfficerMonth.officer_code, func.max(OfficerMonth.month).label("month"))
        .where(OfficerMonth.month.in_(period.months))
        .group_by(OfficerMonth.officer_code)
        .subquery()
    )
    # Name, title and agency as published in the officer's latest month of the period.
    current = (
        select(OfficerMonth.officer_code, OfficerMonth.officer_name, OfficerMonth.officer_title, OfficerMonth.agency_id)
        .join(latest, (latest.c.officer_code == OfficerMonth.officer_code) & (latest.c.month == OfficerMonth.month))
        .subquery()
    )
    sums = (
        select(
            OfficerMonth.officer_code,
            func.sum(OfficerMonth.late_files).label("files"),
            func.sum(OfficerMonth.days_late).label("days"),
        )
        .where(OfficerMonth.month.in_(period.months))
        .group_by(OfficerMonth.officer_code)
        .subquery()
    )
    statement = (
        select(
            current.c.officer_code,
            current.c.officer_name,
            current.c.officer_title,
            Agency.code,
            Agency.name,
            sums.c.files,
            sums.c.days,
        )
        .join(sums, sums.c.officer_code == current.c.officer_code)
        .outerjoin(Agency, Agency.id == current.c.agency_id)
    )
    if args.get("agency"):
        statement = statement.where(Agency.code == args["agency"])
    rows = [OfficerRow(*row) for row in session.execute(statement)]
    words = fold(str(args.get("q") or "")[:100]).split()
    if words:
        # Every word typed, with or without its marks, begins a word of the officer's name or code
        # ("an" finds Nguyễn Văn An, not Trần Thị Bình).
        def named(row: OfficerRow) -> bool:
            own = fold(f"{row.officer_name} {row.officer_code}").split()
            return all(any(part.startswith(w) for part in own) for w in words)

        rows = [r for r in rows if named(r)]
    OFFICER_TABLE.sort_rows(rows, sort or OFFICER_TABLE.parse_sort({}))
    return rows


OFFICERS_PER_PAGE = 50


def officer_page(rows: list[OfficerRow], args) -> Page:
    """One page of the officer table (the page shows OFFICERS_PER_PAGE rows; downloads and the API all)."""
    page = int_param(args, "page", 1, 1, 100_000)
    start = (page - 1) * OFFICERS_PER_PAGE
    return Page(rows[start : start + OFFICERS_PER_PAGE], len(rows), page, OFFICERS_PER_PAGE)


def monthly_series(session: Session, agency_id: int | None = None) -> list[dict]:
    """On-time rate (and the national indicator 2.1) by published month, for the province or one agency."""
    names = ("resolved", "early", "on_time", "late", "pending_overdue", "waiting_applicant", "pending")
    statement = (
        select(AgencyMonth.month, *(func.sum(getattr(AgencyMonth, n)) for n in names))
        .group_by(AgencyMonth.month)
        .order_by(AgencyMonth.month)
    )
    if agency_id is not None:
        statement = statement.where(AgencyMonth.agency_id == agency_id)
    series = []
    for month, *sums in session.execute(statement):
        s = dict(zip(names, sums, strict=True))
        series.append(
            {
                "month": month,
                **s,
                "on_time_rate": on_time_rate(s["early"], s["on_time"], s["resolved"]),
                "national_rate": national_rate(
                    s["early"], s["on_time"], s["resolved"], s["pending"], s["pending_overdue"]
                ),
            }
        )
    return series


LATE_FILE_TABLE = Table(
    columns=(
        Column("case_code", N_("Mã hồ sơ"), sort="case", descending=False),
        Column("procedure_code", nullable=True, heading=N_("Mã thủ tục")),
        Column("procedure_name", N_("Thủ tục"), sort="procedure", descending=False, nullable=True),
        Column("agency_code", heading=CODE),
        Column("agency_name", N_("Cơ quan"), sort="agency", descending=False, link="agency_code", api=None),
        Column("received_at", N_("Ngày tiếp nhận"), sort="received", descending=False, moment=True),
        Column(
            "due_at", N_("Hạn giải quyết"), sort="due", doc="the effective due moment, after the pauses", moment=True
        ),
        Column("finished_at", N_("Ngày trả kết quả"), sort="finished", moment=True),
        Column("days_late", N_("Số ngày trễ"), sort="days_late", format="number"),
        Column("officers", N_("Cán bộ chịu trách nhiệm"), json="array", doc="officer codes"),
        Column("apology", N_("Đã xin lỗi"), json="boolean"),
        Column("reason", N_("Lý do"), nullable=True, doc="the latest explanation of the agency"),
        Column("rescheduled_to", N_("Ngày hẹn lại"), nullable=True, doc="the latest new appointment", moment=True),
        Column(
            "supplements",
            N_("Số lần yêu cầu bổ sung"),
            sort="supplements",
            format="number",
            doc="supplement requests before the file finished",
        ),
    ),
    default_sort="days_late",
    ties=("case_code",),
)
LATE_FILE_ORDER = {
    "case_code": LateFile.case_code,
    "procedure_name": LateFile.procedure_name,
    "agency_name": Agency.name,
    "received_at": LateFile.received_at,
    "due_at": LateFile.due_at,
    "finished_at": LateFile.finished_at,
    "days_late": LateFile.days_late,
    "supplements": LateFile.supplements,
}
MAX_FILES_PER_PAGE = 500


def moment_text(moment: dt.datetime | None, has_time: bool = True) -> str | None:
    """A stored moment as ISO text: the date alone when the source gave no time."""
    if moment is None:
        return None
    return moment.isoformat() if has_time else moment.date().isoformat()


@dataclass
class OfficerRef:
    code: str
    name: str
    days_late: int


@dataclass
class LateFileRow:
    """One published late file, as the list, the CSV and the API show it."""

    file: LateFile
    agency_code: str
    agency_name: str
    officers: list[OfficerRef]

    def as_dict(self) -> dict:
        f = self.file
        return {
            "case_code": f.case_code,
            "procedure_code": f.procedure_code,
            "procedure_name": f.procedure_name,
            "agency_code": self.agency_code,
            "agency_name": self.agency_name,
            "received_at": moment_text(f.received_at),
            "due_at": moment_text(f.due_at, f.due_has_time),
            "finished_at": moment_text(f.finished_at),
            "days_late": f.days_late,
            "officers": [o.code for o in self.officers],
            "apology": f.apology,
            "reason": f.reason,
            "rescheduled_to": moment_text(f.rescheduled_to, f.rescheduled_has_time),
            "supplements": f.supplements,
        }

    def csv_dict(self) -> dict:
        """The same, flat: officers' codes separated by spaces, the apology as 1 or 0."""
        record = self.as_dict()
        return {**record, "officers": " ".join(record["officers"]), "apology": int(record["apology"])}


def late_files(
    session: Session, period: Period, args=None, sort: Sort | None = None, per_page: int = 50, whole: bool = False
) -> Page:
    """The late files resolved in the period, filtered by `agency` (its subtree) and `officer`, in the
    order `sort` (default: LATE_FILE_TABLE's), a page (`page`, `per_page`) at a time, or all when `whole`."""
    args = args or {}
    sort = sort or LATE_FILE_TABLE.parse_sort({})
    page = int_param(args, "page", 1, 1, 100_000)
    per_page = int_param(args, "per_page", per_page, 1, MAX_FILES_PER_PAGE)
    conditions = [LateFile.month.in_(period.months)]
    if args.get("agency"):
        conditions.append(LateFile.agency_id.in_(_subtree(session, args["agency"], "agency")))
    if args.get("officer"):
        conditions.append(
            LateFile.id.in_(select(LateFileOfficer.late_file_id).where(LateFileOfficer.officer_code == args["officer"]))
        )
    total = session.scalar(select(func.count(LateFile.id)).where(*conditions)) or 0
    key = LATE_FILE_ORDER[sort.column]
    order = key.desc() if sort.descending else key.asc()
    # The page's ids first, ordered on the index's narrow columns; then only their rows.
    ids = select(LateFile.id).where(*conditions)
    if key is Agency.name:
        ids = ids.join(Agency, Agency.id == LateFile.agency_id)
    ids = ids.order_by(order.nulls_last() if key.nullable else order, LateFile.case_code)
    if not whole:
        ids = ids.limit(per_page).offset((page - 1) * per_page)
    chosen = list(session.scalars(ids))
    rows: dict[int, tuple] = {}
    for start in range(0, len(chosen), CHUNK):
        statement = (
            select(LateFile, Agency.code, Agency.name)
            .join(Agency, Agency.id == LateFile.agency_id)
            .where(LateFile.id.in_(chosen[start : start + CHUNK]))
        )
        rows.update((row[0].id, row) for row in session.execute(statement).tuples())
    # A month republished between the two reads has new ids: its old rows are simply gone.
    found = [rows[i] for i in chosen if i in rows]
    return Page(_with_officers(session, found), total, page, per_page)


def _with_officers(session: Session, found: list) -> list[LateFileRow]:
    """Rows for the files, each with its officers named as published in the file's month."""
    ids = [f.id for f, _code, _name in found]
    charged: dict[int, list[tuple[str, int]]] = {}
    for start in range(0, len(ids), CHUNK):
        for file_id, code, days in session.execute(
            select(LateFileOfficer.late_file_id, LateFileOfficer.officer_code, LateFileOfficer.days_late)
            .where(LateFileOfficer.late_file_id.in_(ids[start : start + CHUNK]))
            .order_by(LateFileOfficer.days_late.desc(), LateFileOfficer.officer_code)
        ):
            charged.setdefault(file_id, []).append((code, days))
    months = {f.month for f, _code, _name in found}
    codes = {code for pairs in charged.values() for code, _days in pairs}
    names = {
        (month, code): name
        for month, code, name in session.execute(
            select(OfficerMonth.month, OfficerMonth.officer_code, OfficerMonth.officer_name).where(
                OfficerMonth.month.in_(months)
            )
        )
        if code in codes
    }
    return [
        LateFileRow(
            f, code, name, [OfficerRef(o, names.get((f.month, o), o), days) for o, days in charged.get(f.id, [])]
        )
        for f, code, name in found
    ]


@dataclass
class OfficerMonthRow:
    month: str
    late_files: int
    days_late: int


@dataclass
class OfficerHistory:
    officer_code: str
    officer_name: str
    officer_title: str | None
    agency_code: str | None
    agency_name: str | None
    months: list[OfficerMonthRow]


def officer_history(session: Session, code: str) -> OfficerHistory | None:
    """An officer's published months, the latest first, named as in the latest; None if never published."""
    rows = list(
        session.execute(
            select(OfficerMonth, Agency.code, Agency.name)
            .outerjoin(Agency, Agency.id == OfficerMonth.agency_id)
            .where(OfficerMonth.officer_code == code)
            .order_by(OfficerMonth.month.desc())
        ).tuples()
    )
    if not rows:
        return None
    latest, agency_code, agency_name = rows[0]
    return OfficerHistory(
        code,
        latest.officer_name,
        latest.officer_title,
        agency_code,
        agency_name,
        [OfficerMonthRow(m.month, m.late_files, m.days_late) for m, _c, _n in rows],
    )
