"""The monthly late tables: agencies, officers, their CSV downloads and the archive of months."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app import clock
from app.db import get_session
from app.feedback import stats
from app.late import changes, charts, method, tables
from app.late.store import load_calendar
from app.models import Agency, AgencyMonth
from app.params import BadParameter
from app.routes._csv import csv_response, table_csv
from app.routes._render import described_by_method, render_page
from app.routes._xlsx import table_xlsx
from app.text import by_name
from app.web.i18n import period_label

bp = Blueprint("late", __name__, url_prefix="/late")


def _choices(session) -> dict:
    """Levels and parent agencies that have published figures, for the filters."""
    published = select(AgencyMonth.agency_id).distinct()
    agencies = by_name(session.scalars(select(Agency).where(Agency.id.in_(published))))
    parent_ids = {a.parent_id for a in agencies if a.parent_id}
    parents = by_name(session.scalars(select(Agency).where(Agency.id.in_(parent_ids))))
    return {"levels": sorted({a.level for a in agencies if a.level}), "parents": parents, "agencies": agencies}


def _page_args() -> dict:
    """The agency page's parameters; a sort known only to the other table (the comparison was just
    switched on or off in the form, which kept its sort) is dropped for the default."""
    args = request.args.to_dict()
    spec = changes.CHANGE_TABLE if changes.read_compare(args) else tables.AGENCY_TABLE
    if args.get("sort") and args["sort"] not in spec.sorts:
        other = tables.AGENCY_TABLE if spec is changes.CHANGE_TABLE else changes.CHANGE_TABLE
        if args["sort"] in other.sorts:
            args.pop("sort")
            args.pop("dir", None)
    return args


@bp.get("")
def agencies():
    """Show the agency table of a month or period (or its changes against an earlier period), the
    province's trend and the late shares."""
    session = get_session()
    args = _page_args()
    period = tables.parse_period(session, args)
    compare = changes.read_compare(args)
    spec = changes.CHANGE_TABLE if compare else tables.AGENCY_TABLE
    sort = spec.parse_sort(args)
    table = tables.agency_table(session, period, args, None if compare else sort) if period else None
    changed = changes.change_table(session, period, compare, args, sort) if period and compare else None
    series = tables.monthly_series(session)
    share = table and charts.share_chart(
        [(r.agency_name, r.late) for r in table.rows], table.totals.late, others=_("Các cơ quan khác")
    )
    trend = charts.rate_chart([(s["month"], s["on_time_rate"]) for s in series])
    return render_page(
        "late/agencies.html",
        "view",
        period=period,
        table=table,
        changed=changed,
        compare=compare,
        comparisons=changes.COMPARISONS,
        spec=spec,
        sort=sort,
        months=tables.published_months(session),
        choices=_choices(session),
        series=series,
        share=share,
        trend=trend,
        args=args,
    )


@bp.get("/officers")
def officers():
    """Show the officers responsible for files resolved late in a month or period."""
    session = get_session()
    period = tables.parse_period(session, request.args)
    sort = tables.OFFICER_TABLE.parse_sort(request.args)
    rows = tables.officer_table(session, period, request.args, sort) if period else None
    return render_page(
        "late/officers.html",
        "view",
        period=period,
        page=tables.officer_page(rows, request.args) if rows is not None else None,
        spec=tables.OFFICER_TABLE,
        sort=sort,
        months=tables.published_months(session),
        choices=_choices(session),
        args=request.args.to_dict(),
    )


@bp.get("/months")
def months():
    """List the published months, with their figures and any correction notes."""
    session = get_session()
    return render_template(
        "late/months.html",
        months=tables.published_months(session),
        series={s["month"]: s for s in tables.monthly_series(session)},
    )


def _period_or_404(session):
    period = tables.parse_period(session, request.args)
    if period is None:
        raise tables.MonthNotPublished([])
    return period


def _suffix(period: tables.Period) -> str:
    return str(period.first) if period.single else f"{period.first}_{period.last}"


def _agency_download():
    """The agency table a download asks for (its changes with `compare`): its period, spec and table."""
    session = get_session()
    period = _period_or_404(session)
    compare = changes.read_compare(request.args)
    if compare:
        spec = changes.CHANGE_TABLE
        return period, spec, changes.change_table(session, period, compare, request.args, spec.parse_sort(request.args))
    spec = tables.AGENCY_TABLE
    return period, spec, tables.agency_table(session, period, request.args, spec.parse_sort(request.args))


def _officer_download():
    session = get_session()
    period = _period_or_404(session)
    return period, tables.officer_table(session, period, request.args, tables.OFFICER_TABLE.parse_sort(request.args))


@bp.get("/agencies.csv")
def agencies_csv():
    """Download the agency table with the same parameters as the page."""
    period, spec, table = _agency_download()
    name = "thay-doi-tre-han-co-quan" if spec is changes.CHANGE_TABLE else "tre-han-co-quan"
    return table_csv(f"{name}-{_suffix(period)}.csv", spec, table.rows, totals=table.totals)


@bp.get("/agencies.xlsx")
def agencies_xlsx():
    """The agency table as a spreadsheet, with the same parameters as the page."""
    period, spec, table = _agency_download()
    label = period_label(period.first, period.last)
    if isinstance(table, changes.ChangeTable):
        name, title = "thay-doi-tre-han-co-quan", _("Thay đổi hồ sơ trễ hạn theo cơ quan")
        label = _(
            "%(period)s so với %(before)s", period=label, before=period_label(table.before.first, table.before.last)
        )
    else:
        name, title = "tre-han-co-quan", _("Hồ sơ trễ hạn theo cơ quan")
    return table_xlsx(
        f"{name}-{_suffix(period)}.xlsx",
        title,
        label,
        spec,
        [row.as_dict() for row in table.rows],
        totals=table.totals.as_dict(),
    )


TREND_COLUMNS = (
    "month",
    "resolved",
    "early",
    "on_time",
    "late",
    "on_time_rate",
    "pending_overdue",
    "waiting_applicant",
    "pending",
    "national_rate",
)


@bp.get("/trend.csv")
def trend_csv():
    """The figures of every published month, the province's or an agency's (`agency`, with the
    province's on-time rate beside it): the data of the trend charts."""
    session = get_session()
    code = request.args.get("agency")
    agency = session.scalar(select(Agency).where(Agency.code == code)) if code else None
    if code and agency is None:
        raise BadParameter("agency", code)
    province = tables.monthly_series(session)
    series = tables.monthly_series(session, agency.id) if agency else province
    header = list(TREND_COLUMNS)
    rows = [[s[c] for c in TREND_COLUMNS] for s in series]
    if agency:
        rates = {s["month"]: s["on_time_rate"] for s in province}
        header.append("province_on_time_rate")
        rows = [row + [rates.get(row[0])] for row in rows]
    name = re.sub(r"[^A-Za-z0-9._-]", "-", agency.code) if agency else "toan-tinh"
    return csv_response(f"xu-huong-{name}.csv", header, rows)


@bp.get("/officers.csv")
def officers_csv():
    """Download the officer table with the same parameters as the page."""
    period, rows = _officer_download()
    return table_csv(f"tre-han-can-bo-{_suffix(period)}.csv", tables.OFFICER_TABLE, rows)


@bp.get("/officers.xlsx")
def officers_xlsx():
    """The officer table as a spreadsheet, with the same parameters as the page."""
    period, rows = _officer_download()
    return table_xlsx(
        f"tre-han-can-bo-{_suffix(period)}.xlsx",
        _("Cán bộ giải quyết hồ sơ trễ hạn"),
        period_label(period.first, period.last),
        tables.OFFICER_TABLE,
        [row.as_dict() for row in rows],
    )


@bp.get("/files")
def files():
    """Show the files resolved late in a month or period, one row each, a page at a time."""
    session = get_session()
    period = tables.parse_period(session, request.args)
    sort = tables.LATE_FILE_TABLE.parse_sort(request.args)
    page = tables.late_files(session, period, request.args, sort) if period else None
    return render_page(
        "late/files.html",
        "view",
        period=period,
        page=page,
        spec=tables.LATE_FILE_TABLE,
        sort=sort,
        months=tables.published_months(session),
        choices=_choices(session),
        args=request.args.to_dict(),
    )


def _files_download():
    """Every late file of the list a download asks for, with the page's parameters (not paged)."""
    session = get_session()
    period = _period_or_404(session)
    sort = tables.LATE_FILE_TABLE.parse_sort(request.args)
    return period, tables.late_files(session, period, request.args, sort, whole=True).items


@bp.get("/files.csv")
def files_csv():
    """Download every late file of the list, with the same parameters as the page."""
    period, rows = _files_download()
    spec = tables.LATE_FILE_TABLE
    return csv_response(
        f"ho-so-tre-han-{_suffix(period)}.csv", spec.csv_header(), [spec.csv_row(r.csv_dict()) for r in rows]
    )


@bp.get("/files.xlsx")
def files_xlsx():
    """Every late file of the list as a spreadsheet, with the same parameters as the page."""
    period, rows = _files_download()
    return table_xlsx(
        f"ho-so-tre-han-{_suffix(period)}.xlsx",
        _("Hồ sơ giải quyết trễ hạn"),
        period_label(period.first, period.last),
        tables.LATE_FILE_TABLE,
        [{**record, "apology": _("Có") if record["apology"] else _("Không")} for record in (r.as_dict() for r in rows)],
    )


@bp.get("/officers/<code>")
def officer(code):
    """One officer's published months: late files and days late, with links to the files; and
    their satisfaction figures in the months they had enough ratings to be named."""
    session = get_session()
    history = tables.officer_history(session, code)
    if history is None:
        abort(404)
    minimum = current_app.config["SATISFACTION_MIN_RATINGS"]
    return render_template(
        "late/officer.html", officer=history, ratings=stats.officer_months(session, code, minimum), minimum=minimum
    )


@bp.get("/methodology")
def methodology():
    """Explain how every figure is counted, with worked examples and each data year's calendar."""
    session = get_session()
    calendar = load_calendar(session)
    years = method.data_years(session, clock.local_now().date())
    return render_template(
        "late/methodology.html",
        ex=method.examples(calendar, years[-1]),
        years=method.year_calendars(session, years, calendar, str(get_locale().language)),
    )


@bp.after_request
def _described_by(response):
    """Every CSV download links to the method."""
    return described_by_method(response) if response.mimetype == "text/csv" else response
