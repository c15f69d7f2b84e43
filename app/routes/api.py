"""The read-only JSON API, `/api/v1`, described at `/api/v1/openapi.json`."""

from flask import Blueprint, abort, current_app, jsonify, request, url_for

from app.catalogue import listing, records
from app.db import get_session
from app.feedback import stats
from app.feedback.criteria import in_force
from app.late import changes, tables
from app.routes._render import described_by_method
from app.routes._search import search_options
from app.routes.api_schema import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/procedures")
def procedures():
    """List procedures answering `q` in rank order, within the browse filters, a page at a time."""
    filters = listing.parse_filters(request.args, 20)
    page = listing.browse(get_session(), filters, **search_options())
    items = [records.procedure_summary(p, url_for("api.procedure", code=p.code, _external=True)) for p in page.items]
    return jsonify(total=page.total, page=page.page, per_page=page.per_page, items=items)


@bp.get("/procedures/<path:code>")
def procedure(code):
    """Return one procedure with every part of its record."""
    found = records.get_procedure(get_session(), code)
    if found is None:
        abort(404)
    body = records.procedure_detail(found)
    body["url"] = url_for("procedures.show", code=found.code, _external=True)
    return jsonify(body)


def _published_period(session):
    period = tables.parse_period(session, request.args)
    if period is None:
        raise tables.MonthNotPublished([])
    return period


@bp.get("/late/agencies")
def late_agencies():
    """Return the published agency table of a month or period, with its totals."""
    session = get_session()
    period = _published_period(session)
    spec = tables.AGENCY_TABLE
    table = tables.agency_table(session, period, request.args, spec.parse_sort(request.args))
    return jsonify(
        period=period.as_dict(),
        items=[spec.api_item(row.as_dict()) for row in table.rows],
        totals=spec.api_totals(table.totals.as_dict()),
    )


@bp.get("/late/changes")
def late_changes():
    """Return each agency's figures in a published period against the comparison period `compare`."""
    session = get_session()
    period = _published_period(session)
    spec = changes.CHANGE_TABLE
    how = changes.read_compare(request.args) or "previous"
    table = changes.change_table(session, period, how, request.args, spec.parse_sort(request.args))
    return jsonify(
        period=period.as_dict(),
        compare=table.as_dict(),
        items=[spec.api_item(row.as_dict()) for row in table.rows],
        totals=spec.api_totals(table.totals.as_dict()),
    )


@bp.get("/late/officers")
def late_officers():
    """Return the published officer table of a month or period."""
    session = get_session()
    period = _published_period(session)
    spec = tables.OFFICER_TABLE
    rows = tables.officer_table(session, period, request.args, spec.parse_sort(request.args))
    return jsonify(period=period.as_dict(), items=[spec.api_item(row.as_dict()) for row in rows])


@bp.get("/late/files")
def late_files():
    """Return the published late files of a month or period, a page at a time."""
    session = get_session()
    period = _published_period(session)
    spec = tables.LATE_FILE_TABLE
    page = tables.late_files(session, period, request.args, spec.parse_sort(request.args))
    return jsonify(
        period=period.as_dict(),
        total=page.total,
        page=page.page,
        per_page=page.per_page,
        items=[spec.api_item(row.as_dict()) for row in page.items],
    )


@bp.after_request
def _described_by(response):
    """The late tables' answers link to the method."""
    late = request.endpoint and request.endpoint.startswith("api.late_")
    return described_by_method(response) if late else response


@bp.get("/satisfaction")
def satisfaction():
    """Return the satisfaction results by agency for a month or period (empty when none were given)."""
    session = get_session()
    period, _months = stats.satisfaction_period(session, request.args)
    spec = stats.AGENCY_TABLE
    sort = spec.parse_sort(request.args)
    if period is None:
        return jsonify(period=None, items=[], totals=None)
    results = stats.agency_results(session, period, sort=sort, minimum=current_app.config["SATISFACTION_MIN_RATINGS"])
    return jsonify(
        period=period.as_dict(),
        items=[spec.api_item(row.as_dict()) for row in results.agencies],
        totals=spec.api_totals(results.totals.as_dict()),
    )


@bp.get("/openapi.json")
def openapi():
    """Describe the API."""
    return jsonify(openapi_document(in_force(current_app.config)))
