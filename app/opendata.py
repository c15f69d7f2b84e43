"""The open data package (`/data/`): every published dataset as a table whose columns are named,
typed and described in Vietnamese and English (a Frictionless Data Package with Table Schemas),
downloadable whole or a month at a time. Rows are read from the published tables only, so that
the package says exactly what the pages and the API say; totals are a dataset of their own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.feedback import stats
from app.feedback.codes import Overall
from app.late import tables
from app.late.rules import Month, national_rate, on_time_rate
from app.models import (
    Agency,
    AgencyMonth,
    Decision,
    DecisionItem,
    Field,
    LateFile,
    LateFileOfficer,
    MonthRevision,
    OfficerMonth,
    Procedure,
    PublishedMonth,
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Table Schema type: string, integer, number, boolean, yearmonth, date, datetime
    vi: str
    en: str
    unit: str | None = None


@dataclass(frozen=True)
class Dataset:
    name: str
    vi: str
    en: str
    about_vi: str
    about_en: str
    columns: tuple[Column, ...]
    rows: Callable[..., Iterator[dict]]
    monthly: bool = True  # downloadable a month at a time
    # Its months are the published months of the late tables, or (satisfaction) the rated ones.
    rated: bool = False


def months_by_dataset(session: Session) -> dict[str, list[str]]:
    """The months each dataset can be downloaded by (none for the catalogue's), oldest first."""
    published = list(session.scalars(select(PublishedMonth.month).order_by(PublishedMonth.month)))
    rated = sorted(stats.rated_months(session))
    return {d.name: (rated if d.rated else published) if d.monthly else [] for d in DATASETS}


MONTH = Column("month", "yearmonth", "Tháng", "Month")
AGENCY = Column("agency_code", "string", "Mã cơ quan", "Agency code")
AGENCY_NAME = Column("agency_name", "string", "Tên cơ quan", "Agency name")
FILES = "hồ sơ / files"
PERCENT = "% (0–100)"
RATINGS = "đánh giá / ratings"
COUNTS = (
    Column("resolved", "integer", "Số hồ sơ đã giải quyết", "Files resolved", FILES),
    Column("early", "integer", "Giải quyết trước hạn", "Resolved early", FILES),
    Column("on_time", "integer", "Giải quyết đúng hạn", "Resolved on time", FILES),
    Column("late", "integer", "Giải quyết trễ hạn", "Resolved late", FILES),
    Column("on_time_rate", "number", "Tỷ lệ đúng hạn", "On-time rate: (early + on time) / resolved", PERCENT),
    Column("pending_overdue", "integer", "Quá hạn chưa giải quyết cuối tháng", "Pending overdue at month end", FILES),
    Column("apologies", "integer", "Văn bản xin lỗi", "Apology letters for late files", "văn bản / letters"),
    Column(
        "waiting_applicant", "integer", "Chờ bổ sung hồ sơ cuối tháng", "Waiting for the applicant at month end", FILES
    ),
    Column("repeat_supplement", "integer", "Yêu cầu bổ sung nhiều lần", "Asked for documents more than once", FILES),
    Column("pending", "integer", "Chưa giải quyết cuối tháng", "Pending at month end", FILES),
    Column("national_rate", "number", "Chỉ số 2.1 (QĐ 766/QĐ-TTg)", "Indicator 2.1 of Decision 766/QĐ-TTg", PERCENT),
)
COUNT_NAMES = (
    "resolved",
    "early",
    "on_time",
    "late",
    "pending_overdue",
    "apologies",
    "waiting_applicant",
    "repeat_supplement",
    "pending",
)


def _published(session: Session, month: str | None) -> list[str]:
    query = select(PublishedMonth.month).order_by(PublishedMonth.month)
    if month is not None:
        query = query.where(PublishedMonth.month == month)
    return list(session.scalars(query))


def _rates(values: dict) -> dict:
    return {
        **values,
        "on_time_rate": on_time_rate(values["early"], values["on_time"], values["resolved"]),
        "national_rate": national_rate(
            values["early"], values["on_time"], values["resolved"], values["pending"], values["pending_overdue"]
        ),
    }


def late_agencies(session: Session, month: str | None) -> Iterator[dict]:
    query = (
        select(AgencyMonth.month, Agency.code, Agency.name, *(getattr(AgencyMonth, n) for n in COUNT_NAMES))
        .join(Agency, Agency.id == AgencyMonth.agency_id)
        .where(AgencyMonth.month.in_(_published(session, month)))
        .order_by(AgencyMonth.month, Agency.code)
    )
    for found, code, name, *counts in session.execute(query):
        yield _rates({"month": found, "agency_code": code, "agency_name": name, **dict(zip(COUNT_NAMES, counts))})


def late_totals(session: Session, month: str | None) -> Iterator[dict]:
    query = (
        select(AgencyMonth.month, *(func.sum(getattr(AgencyMonth, n)) for n in COUNT_NAMES))
        .where(AgencyMonth.month.in_(_published(session, month)))
        .group_by(AgencyMonth.month)
        .order_by(AgencyMonth.month)
    )
    for found, *counts in session.execute(query):
        yield _rates({"month": found, **{n: int(v or 0) for n, v in zip(COUNT_NAMES, counts)}})


def late_officers(session: Session, month: str | None) -> Iterator[dict]:
    query = (
        select(OfficerMonth, Agency.code)
        .outerjoin(Agency, Agency.id == OfficerMonth.agency_id)
        .where(OfficerMonth.month.in_(_published(session, month)))
        .order_by(OfficerMonth.month, OfficerMonth.late_files.desc(), OfficerMonth.officer_code)
    )
    for row, agency in session.execute(query):
        yield {
            "month": row.month,
            "officer_code": row.officer_code,
            "officer_name": row.officer_name,
            "officer_title": row.officer_title,
            "agency_code": agency,
            "late_files": row.late_files,
            "days_late": row.days_late,
        }


def late_files(session: Session, month: str | None) -> Iterator[dict]:
    months = _published(session, month)
    officers: dict[int, list[str]] = {}
    for file_id, code in session.execute(
        select(LateFileOfficer.late_file_id, LateFileOfficer.officer_code)
        .join(LateFile, LateFile.id == LateFileOfficer.late_file_id)
        .where(LateFile.month.in_(months))
        .order_by(LateFileOfficer.officer_code)
    ):
        officers.setdefault(file_id, []).append(code)
    query = (
        select(LateFile, Agency.code)
        .join(Agency, Agency.id == LateFile.agency_id)
        .where(LateFile.month.in_(months))
        .order_by(LateFile.month, LateFile.days_late.desc(), LateFile.case_code)
    )
    for row, agency in session.execute(query):
        yield {
            "month": row.month,
            "case_code": row.case_code,
            "procedure_code": row.procedure_code,
            "procedure_name": row.procedure_name,
            "agency_code": agency,
            "received_at": row.received_at,
            # As the API writes them: a promise of a day only is a date, not that day's midnight.
            "due_at": tables.moment_text(row.due_at, row.due_has_time),
            "finished_at": row.finished_at,
            "days_late": row.days_late,
            "officers": " ".join(officers.get(row.id, [])),
            "apology": row.apology,
            "reason": row.reason,
            "rescheduled_to": tables.moment_text(row.rescheduled_to, row.rescheduled_has_time),
            "supplements": row.supplements,
        }


def satisfaction(session: Session, month: str | None, minimum: int = stats.MIN_RATINGS) -> Iterator[dict]:
    for found in [month] if month else sorted(stats.rated_months(session)):
        period = tables.Period(Month.parse(found), Month.parse(found))
        for row in stats.agency_results(session, period, minimum=minimum).agencies:
            record = row.as_dict()
            yield {"month": found, **{c.name: record[c.name] for c in SATISFACTION[1:]}}


def revisions(session: Session, month: str | None) -> Iterator[dict]:
    query = (
        select(PublishedMonth.month, MonthRevision.revision, MonthRevision.published_at, MonthRevision.note)
        .join(MonthRevision, MonthRevision.published_month_id == PublishedMonth.id)
        .order_by(PublishedMonth.month, MonthRevision.revision)
    )
    if month is not None:
        query = query.where(PublishedMonth.month == month)
    for found, revision, published_at, note in session.execute(query):
        yield {"month": found, "revision": revision, "published_at": published_at, "note": note}


def procedures(session: Session, _month: str | None) -> Iterator[dict]:
    query = (
        select(Procedure.code, Procedure.name, Field.name, Procedure.level, Procedure.status, Procedure.online_level)
        .outerjoin(Field, Field.id == Procedure.field_id)
        .order_by(Procedure.code)
    )
    for code, name, field, level, status, online in session.execute(query):
        yield {"code": code, "name": name, "field": field, "level": level, "status": status, "online_level": online}


def decisions(session: Session, _month: str | None) -> Iterator[dict]:
    counts = dict(
        session.execute(
            select(DecisionItem.decision_id, func.count(DecisionItem.id)).group_by(DecisionItem.decision_id)
        )
        .tuples()
        .all()
    )
    for decision in session.scalars(select(Decision).order_by(Decision.date.desc().nulls_last(), Decision.number)):
        yield {
            "number": decision.number,
            "date": decision.date,
            "issuer": decision.issuer,
            "procedures": counts.get(decision.id, 0),
        }


SATISFACTION = (
    MONTH,
    AGENCY,
    AGENCY_NAME,
    Column(
        "ratings",
        "integer",
        "Số đánh giá đã đối chiếu",
        "Verified ratings (from the file's receipt)",
        "đánh giá / ratings",
    ),
    *(
        Column(o.value, "integer", o.label, o.value.replace("_", " ").capitalize(), "đánh giá / ratings")
        for o in Overall
    ),
    Column(
        "satisfied_pct",
        "number",
        "Tỷ lệ hài lòng",
        "Share very satisfied or satisfied (only from the minimum of verified ratings)",
        PERCENT,
    ),
    Column(
        "average_score",
        "number",
        "Điểm trung bình",
        "Mean score of the ratings that scored every criterion",
        "điểm / points",
    ),
    Column(
        "unverified_ratings",
        "integer",
        "Đánh giá chưa đối chiếu",
        "Unverified ratings, counted apart",
        "đánh giá / ratings",
    ),
    Column(
        "unverified_satisfied_pct",
        "number",
        "Hài lòng (chưa đối chiếu)",
        "Share satisfied among the unverified",
        PERCENT,
    ),
)

DATASETS = (
    Dataset(
        "late-agencies",
        "Hồ sơ giải quyết theo cơ quan, theo tháng",
        "Files resolved by agency and month",
        "Mỗi dòng một cơ quan trong một tháng đã công bố.",
        "One row per agency and published month.",
        (MONTH, AGENCY, AGENCY_NAME, *COUNTS),
        late_agencies,
    ),
    Dataset(
        "late-totals",
        "Tổng toàn tỉnh theo tháng",
        "Province totals by month",
        "Tổng của mọi cơ quan trong mỗi tháng đã công bố (không nằm trong bảng theo cơ quan).",
        "The totals of every agency for each published month (kept out of the agency table).",
        (MONTH, *COUNTS),
        late_totals,
    ),
    Dataset(
        "late-officers",
        "Cán bộ giải quyết hồ sơ trễ hạn",
        "Officers who resolved files late",
        "Mỗi dòng một cán bộ có hồ sơ trễ hạn trong một tháng đã công bố.",
        "One row per officer with late files in a published month.",
        (
            MONTH,
            Column("officer_code", "string", "Mã cán bộ", "Officer code"),
            Column("officer_name", "string", "Họ và tên", "Name"),
            Column("officer_title", "string", "Chức vụ", "Title"),
            AGENCY,
            Column("late_files", "integer", "Số hồ sơ trễ hạn", "Late files", FILES),
            Column("days_late", "integer", "Tổng số ngày trễ", "Days late in all", "ngày làm việc / working days"),
        ),
        late_officers,
    ),
    Dataset(
        "late-files",
        "Hồ sơ giải quyết trễ hạn",
        "Files resolved late",
        "Mỗi dòng một hồ sơ giải quyết trễ hạn trong một tháng đã công bố; không có thông tin người nộp.",
        "One row per file resolved late in a published month; nothing about the applicant.",
        (
            MONTH,
            Column("case_code", "string", "Mã hồ sơ", "Case code"),
            Column("procedure_code", "string", "Mã thủ tục", "Procedure code"),
            Column("procedure_name", "string", "Tên thủ tục", "Procedure name"),
            AGENCY,
            Column("received_at", "datetime", "Ngày tiếp nhận", "Received at (Vietnam time)"),
            Column(
                "due_at",
                "string",
                "Hạn giải quyết (sau thời gian chờ bổ sung)",
                "Effective due moment: an ISO date-time, or a date when the promise names only a day",
            ),
            Column("finished_at", "datetime", "Ngày trả kết quả", "Finished at"),
            Column("days_late", "integer", "Số ngày trễ", "Days late", "ngày làm việc / working days"),
            Column(
                "officers", "string", "Cán bộ chịu trách nhiệm (mã)", "Responsible officers' codes, space-separated"
            ),
            Column("apology", "boolean", "Đã gửi văn bản xin lỗi", "Apology sent"),
            Column("reason", "string", "Lý do (giải trình)", "The agency's latest explanation"),
            Column("rescheduled_to", "string", "Ngày hẹn lại", "The latest new appointment (ISO date or date-time)"),
            Column("supplements", "integer", "Số lần yêu cầu bổ sung", "Supplement requests", "lần / times"),
        ),
        late_files,
    ),
    Dataset(
        "satisfaction",
        "Mức độ hài lòng theo cơ quan, theo tháng",
        "Satisfaction by agency and month",
        "Đánh giá đã đối chiếu với hồ sơ; tỷ lệ chỉ nêu từ số đánh giá tối thiểu; đánh giá chưa đối chiếu đếm riêng.",
        "Ratings verified against a file; shares only from the minimum of ratings; unverified ratings counted apart.",
        SATISFACTION,
        satisfaction,
        rated=True,
    ),
    Dataset(
        "revisions",
        "Lịch sử đính chính các tháng đã công bố",
        "Corrections of published months",
        "Mỗi lần một tháng đã công bố được tính lại và công bố lại, kèm ghi chú công khai.",
        "Each time a published month was recomputed and published again, with its public note.",
        (
            MONTH,
            Column("revision", "integer", "Lần công bố", "Publication number"),
            Column("published_at", "datetime", "Ngày công bố lại", "Published again at"),
            Column("note", "string", "Ghi chú đính chính", "Why it was corrected"),
        ),
        revisions,
    ),
    Dataset(
        "procedures",
        "Danh mục thủ tục hành chính",
        "Administrative procedures",
        "Mỗi dòng một thủ tục; chi tiết ở /api/v1/procedures/<code>.",
        "One row per procedure; details at /api/v1/procedures/<code>.",
        (
            Column("code", "string", "Mã thủ tục", "Procedure code"),
            Column("name", "string", "Tên thủ tục", "Name"),
            Column("field", "string", "Lĩnh vực", "Field"),
            Column("level", "string", "Cấp thực hiện", "Level"),
            Column("status", "string", "Tình trạng", "Status: in_force, amended or abolished"),
            Column("online_level", "string", "Mức độ trực tuyến", "Online level"),
        ),
        procedures,
        monthly=False,
    ),
    Dataset(
        "decisions",
        "Quyết định công bố thủ tục hành chính",
        "Publication decisions",
        "Mỗi dòng một quyết định công bố, với số thủ tục được công bố, sửa đổi hay bãi bỏ.",
        "One row per publication decision, with how many procedures it lists.",
        (
            Column("number", "string", "Số quyết định", "Number"),
            Column("date", "date", "Ngày ban hành", "Date"),
            Column("issuer", "string", "Cơ quan ban hành", "Issuer"),
            Column("procedures", "integer", "Số thủ tục", "Procedures listed", "thủ tục / procedures"),
        ),
        decisions,
        monthly=False,
    ),
)
BY_NAME = {d.name: d for d in DATASETS}


def cell(value, column: Column) -> str:
    """A value as a Table Schema reads it: ISO dates and times, true/false, empty for none."""
    if value is None:
        return ""
    if column.type == "boolean":
        return "true" if value else "false"
    if column.type in ("datetime", "date"):
        return value.isoformat()
    return str(value)


def descriptor(session: Session, base: str, license_name: str, license_path: str, license_title: str) -> dict:
    months = months_by_dataset(session)
    """The datapackage.json of the site: every dataset, its schema in both languages, its
    licence, the months it can be downloaded by."""
    return {
        "name": "cong-khai-tthc",
        "title": "Công khai thủ tục hành chính · Administrative procedures transparency",
        "licenses": [{"name": license_name, "path": license_path, "title": license_title}],
        "homepage": f"{base}/data/",
        "sources": [{"title": "Cách tính số liệu · How the figures are counted", "path": f"{base}/late/methodology"}],
        "description": (
            "Một văn bản bắt đầu bằng = + - @ được thêm dấu ' phía trước để bảng tính không chạy nó như công thức."
            " · A text beginning with = + - @ is written with a leading ' so that no spreadsheet runs it as a formula."
        ),
        "resources": [
            {
                "name": d.name,
                "path": f"{d.name}.csv",
                "title": f"{d.vi} · {d.en}",
                "description": f"{d.about_vi} · {d.about_en}",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {
                            "name": c.name,
                            "type": c.type,
                            "title": c.vi,
                            "description": c.en,
                            "title_en": c.en,
                            **({"unit": c.unit} if c.unit else {}),
                        }
                        for c in d.columns
                    ]
                },
                **({"months": {m: f"{d.name}-{m}.csv" for m in months[d.name]}} if d.monthly else {}),
            }
            for d in DATASETS
        ],
    }
