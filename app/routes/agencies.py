"""One agency: where it sits in the tree and the procedures it carries out."""

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import select

from app.catalogue import listing
from app.db import get_session
from app.feedback import stats
from app.feedback.criteria import in_force
from app.late import charts, tables
from app.models import Agency

bp = Blueprint("agencies", __name__, url_prefix="/agencies")


@bp.get("/<path:code>")
def show(code):
    """Show an agency, its sub-agencies, its published monthly figures, its satisfaction results and
    its procedures."""
    session = get_session()
    agency = session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        abort(404)
    filters = listing.parse_filters(request.args, current_app.config["PER_PAGE"])
    filters.agency = agency.code
    page = listing.browse(session, filters)
    series = tables.monthly_series(session, agency.id)
    province = {s["month"]: s for s in tables.monthly_series(session)}
    trend = charts.rate_chart(
        [(s["month"], s["on_time_rate"]) for s in series],
        reference=[(month, s["on_time_rate"]) for month, s in province.items()],
    )
    recent = stats.recent_period(stats.rated_months(session, agency.id))
    minimum = current_app.config["SATISFACTION_MIN_RATINGS"]
    months = stats.monthly(session, recent, agency.id, minimum) if recent else []
    satisfaction = [(m, f) for m, f in months if f.ratings or f.unverified]
    return render_template(
        "agencies/show.html",
        agency=agency,
        page=page,
        filters=filters,
        series=series,
        province=province,
        trend=trend,
        satisfaction=satisfaction,
        criteria=in_force(current_app.config),
        comments=stats.recent_comments(session, agency.id),
        minimum=minimum,
    )
