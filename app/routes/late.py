"""The monthly late tables: agencies, officers, their CSV downloads and the archive of months."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from app.db import get_session
from app.late import charts, tables
from app.models import Agency, AgencyMonth
from app.routes._render import render_page

bp = Blueprint("late", __name__, url_prefix="/late")


def _choices(session) -> dict:
    """Levels and parent agencies that have published figures, for the filters."""
    published = select(AgencyMonth.agency_id).distinct()
    agencies = list(session.scalars(select(Agency).where(Agency.id.in_(published)).order_by(Agency.name)))
    parent_ids = {a.parent_id for a in agencies if a.parent_id}
    parents = list(session.scalars(select(Agency).where(Agency.id.in_(parent_ids)).order_by(Agency.name)))
    return {"levels": sorted({a.level for a in agencies if a.level}), "parents": parents,
            "agencies": agencies}


@bp.get("")
def agencies():
    """Show the agency table of a month or period, the province's trend and the late shares."""
    session = get_session()
    period = tables.parse_period(session, request.args)
    table = tables.agency_table(session, period, request.args) if period else None
    series = tables.monthly_series(session)
    share = table and charts.share_chart([(r.agency_name, r.late) for r in table.rows], table.totals.late,
                                         others=_("Các cơ quan khác"))
    trend = charts.rate_chart([(s["month"], s["on_time_rate"]) for s in series])
    return render_page("late/agencies.html", "view", period=period, table=table,
                       months=tables.published_months(session), choices=_choices(session),
                       series=series, share=share, trend=trend, args=request.args.to_dict())


@bp.get("/officers")
def officers():
    """Show the officers responsible for files resolved late in a month or period."""
    session = get_session()
    period = tables.parse_period(session, request.args)
    rows = tables.officer_table(session, period, request.args) if period else None
    return render_page("late/officers.html", "view", period=period, rows=rows,
                       months=tables.published_months(session), choices=_choices(session),
                       args=request.args.to_dict())


@bp.get("/months")
def months():
    """List the published months, with their figures and any correction notes."""
    session = get_session()
    return render_template("late/months.html", months=tables.published_months(session),
                           series={s["month"]: s for s in tables.monthly_series(session)})


def _csv(name: str, header: list[str], rows: list[list]) -> Response:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so that spreadsheet programs read the Vietnamese names as UTF-8
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _period_or_404(session):
    period = tables.parse_period(session, request.args)
    if period is None:
        raise tables.MonthNotPublished([])
    return period


def _suffix(period: tables.Period) -> str:
    return str(period.first) if period.single else f"{period.first}_{period.last}"


@bp.get("/agencies.csv")
def agencies_csv():
    """Download the agency table with the same parameters as the page."""
    session = get_session()
    period = _period_or_404(session)
    table = tables.agency_table(session, period, request.args)
    columns = ["agency_code", "agency_name", "resolved", "early", "on_time", "late", "on_time_rate",
               "pending_overdue", "apologies"]
    rows = [[row.as_dict()[c] for c in columns] for row in table.rows]
    totals = table.totals.as_dict()
    rows.append(["", "Tổng cộng"] + [totals[c] for c in columns[2:]])
    return _csv(f"tre-han-co-quan-{_suffix(period)}.csv", columns, rows)


@bp.get("/officers.csv")
def officers_csv():
    """Download the officer table with the same parameters as the page."""
    session = get_session()
    period = _period_or_404(session)
    columns = ["officer_code", "officer_name", "officer_title", "agency_code", "agency_name",
               "late_files", "days_late"]
    rows = [[getattr(row, c) for c in columns] for row in tables.officer_table(session, period, request.args)]
    return _csv(f"tre-han-can-bo-{_suffix(period)}.csv", columns, rows)
