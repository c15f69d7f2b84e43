"""Browse the posted procedures and read one of them."""

from urllib.parse import quote

from flask import Blueprint, abort, current_app, render_template, request

from app import clock
from app.catalogue import listing, records
from app.db import get_session
from app.routes._render import render_page
from app.routes._search import search_options

bp = Blueprint("procedures", __name__, url_prefix="/procedures")


@bp.get("")
def index():
    """List procedures answering the search words (best first) within the filters, a page at a time."""
    filters = listing.parse_filters(request.args, current_app.config["PER_PAGE"])
    session = get_session()
    page = listing.browse(session, filters, **search_options())
    popular = listing.popular(session) if filters.q and not page.total else []
    return render_page(
        "procedures/index.html",
        "results",
        oob=("procedures/_facets.html",),
        filters=filters,
        page=page,
        popular=popular,
        max_question=listing.MAX_QUESTION,
        options=listing.filter_options(session, counted=page.facets is None),
    )


@bp.get("/<path:code>")
def show(code):
    """Show one procedure with every part of its record."""
    procedure = records.get_procedure(get_session(), code)
    if procedure is None:
        abort(404)
    portal = current_app.config.get("PROVINCE_PORTAL_URL") or ""
    return render_template(
        "procedures/show.html",
        procedure=procedure,
        national_portal=national_portal_url(procedure),
        province_portal=portal.replace("{code}", quote(procedure.code)) if portal else None,
        printed=clock.local_now(),
    )


# The national portal's own page of a procedure, when the record came from it.
NATIONAL_PORTAL = "https://dichvucong.gov.vn/"


def national_portal_url(procedure) -> str | None:
    """The national portal's page for this procedure: the source's own link when it is the portal's."""
    source = procedure.source_url or ""
    return source if source.startswith(NATIONAL_PORTAL) else None
