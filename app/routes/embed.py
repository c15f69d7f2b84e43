"""Charts and the agency table made to be framed in another site's article: the only pages whose
`frame-ancestors` is not 'none' (EMBED_FRAME_ANCESTORS, default any site). Each carries its source,
its period and a link back to the full page; their links open outside the frame."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from app.db import get_session
from app.late import changes, charts, tables
from app.models import Agency
from app.params import BadParameter
from app.web.security import CSP

bp = Blueprint("embed", __name__, url_prefix="/embed")


def _agency() -> Agency | None:
    code = request.args.get("agency")
    if not code:
        return None
    found = get_session().scalar(select(Agency).where(Agency.code == code))
    if found is None:
        raise BadParameter("agency", code)
    return found


@bp.get("/late/trend")
def trend():
    """The on-time rate by published month: the province's, or an agency's beside the province's."""
    session = get_session()
    agency = _agency()
    province = tables.monthly_series(session)
    series = tables.monthly_series(session, agency.id) if agency else province
    chart = charts.rate_chart(
        [(s["month"], s["on_time_rate"]) for s in series],
        reference=[(s["month"], s["on_time_rate"]) for s in province] if agency else None,
    )
    return render_template(
        "embed/trend.html", agency=agency, series=series, province={s["month"]: s for s in province}, chart=chart
    )


@bp.get("/late/share")
def share():
    """Each agency's share of the late files of a published month or period."""
    session = get_session()
    period = tables.parse_period(session, request.args)
    table = tables.agency_table(session, period, request.args) if period else None
    chart = table and charts.share_chart(
        [(r.agency_name, r.late) for r in table.rows], table.totals.late, others=_("Các cơ quan khác")
    )
    return render_template("embed/share.html", period=period, table=table, chart=chart, args=request.args.to_dict())


@bp.get("/late/agencies")
def agencies():
    """The agency table of a published month or period (its changes with `compare`), sorted as asked."""
    session = get_session()
    period = tables.parse_period(session, request.args)
    compare = changes.read_compare(request.args)
    spec = changes.CHANGE_TABLE if compare else tables.AGENCY_TABLE
    sort = spec.parse_sort(request.args)
    table = None
    if period:
        table = (
            changes.change_table(session, period, compare, request.args, sort)
            if compare
            else tables.agency_table(session, period, request.args, sort)
        )
    return render_template(
        "embed/agencies.html", period=period, table=table, spec=spec, compare=compare, args=request.args.to_dict()
    )


@bp.after_request
def _framable(response):
    """Let other sites frame these pages (and only these: every other page keeps frame-ancestors 'none')."""
    ancestors = current_app.config["EMBED_FRAME_ANCESTORS"]
    response.headers["Content-Security-Policy"] = CSP.replace("frame-ancestors 'none'", f"frame-ancestors {ancestors}")
    return response
