"""The monthly late tables: agencies, officers, their CSV downloads and the archive of months."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app import clock
from app.db import get_session
from app.feedback import stats
from app.late import charts, method, tables
from app.late.store import load_calendar
from app.models import Agency, AgencyMonth
from app.routes._csv import csv_response, table_csv
from app.routes._render import described_by_method, render_page
from app.routes._xlsx import table_xlsx
from app.web.i18n import period_label

bp = Blueprint("late", __name__, url_prefix="/late")


def _choices(session) -> dict:
    """Levels and parent agencies that have published figures, for the filters."""
    published = select(AgencyMonth.agency_id).distinct()
    agencies = list(session.scalars(select(Agency).where(Agency.id.in_(published)).order_by(Agency.name)))
    parent_ids = {a.parent_id for a in agencies if a.parent_id}
    parents = list(session.scalars(select(Agency).where(Agency.id.in_(parent_ids)).order_by(Agency.name)))
    return {"levels": sorted({a.level for a in agencies if a.level}), "parents": parents, "agencies": agencies}


@bp.get("")
def agencies():
    """Show the agency table of a month or period, the province's trend and the late shares."""
    session = get_session()
    period = tables.parse_period(session, request.args)
    sort = tables.AGENCY_TABLE.parse_sort(request.args)
    table = tables.agency_table(session, period, request.args, sort) if period else None
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
        spec=tables.AGENCY_TABLE,
        sort=sort,
        months=tables.published_months(session),
        choices=_choices(session),
        series=series,
        share=share,
        trend=trend,
        args=request.args.to_dict(),
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
        rows=rows,
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
    """The agency table a download asks for: its period and rows, with the page's parameters."""
    session = get_session()
    period = _period_or_404(session)
    table = tables.agency_table(session, period, request.args, tables.AGENCY_TABLE.parse_sort(request.args))
    return period, table


def _officer_download():
    session = get_session()
    period = _period_or_404(session)
    return period, tables.officer_table(session, period, request.args, tables.OFFICER_TABLE.parse_sort(request.args))


@bp.get("/agencies.csv")
def agencies_csv():
    """Download the agency table with the same parameters as the page."""
    period, table = _agency_download()
    spec = tables.AGENCY_TABLE
    return table_csv(f"tre-han-co-quan-{_suffix(period)}.csv", spec, table.rows, totals=table.totals)


@bp.get("/agencies.xlsx")
def agencies_xlsx():
    """The agency table as a spreadsheet, with the same parameters as the page."""
    period, table = _agency_download()
    return table_xlsx(
        f"tre-han-co-quan-{_suffix(period)}.xlsx",
        _("Hồ sơ trễ hạn theo cơ quan"),
        period_label(period.first, period.last),
        tables.AGENCY_TABLE,
        [row.as_dict() for row in table.rows],
        totals=table.totals.as_dict(),
    )


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
