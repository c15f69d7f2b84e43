"""The read-only JSON API, `/api/v1`, described at `/api/v1/openapi.json`."""
from flask import Blueprint, abort, jsonify, request, url_for

from app import catalogue
from app.api_schema import openapi_document
from app.db import get_session

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/procedures")
def procedures():
    """List procedures matching `q` and the browse filters, a page at a time."""
    filters = catalogue.parse_filters(request.args, 20)
    page = catalogue.browse(get_session(), filters)
    items = [catalogue.procedure_summary(p, url_for("api.procedure", code=p.code, _external=True))
             for p in page.items]
    return jsonify(total=page.total, page=page.page, per_page=page.per_page, items=items)


@bp.get("/procedures/<path:code>")
def procedure(code):
    """Return one procedure with every part of its record."""
    found = catalogue.get_procedure(get_session(), code)
    if found is None:
        abort(404)
    body = catalogue.procedure_detail(found)
    body["url"] = url_for("procedures.show", code=found.code, _external=True)
    return jsonify(body)


@bp.get("/openapi.json")
def openapi():
    """Describe the API."""
    return jsonify(openapi_document())
