"""The home page."""

from flask import Blueprint, redirect, render_template, url_for
from sqlalchemy import func, select

from app.catalogue import listing
from app.db import get_session
from app.late import tables
from app.models import Agency, Decision, Procedure

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """Show the search box, the catalogue's size, the latest published month and where to go next."""
    session = get_session()
    counts = {
        "procedures": session.scalar(select(func.count(Procedure.id))),
        "online": session.scalar(
            select(func.count(Procedure.id)).where(Procedure.online_level.in_(listing.FILED_ONLINE))
        ),
        "decisions": session.scalar(select(func.count(Decision.id))),
        "agencies": session.scalar(select(func.count(Agency.id))),
    }
    series = tables.monthly_series(session)
    return render_template(
        "index.html", counts=counts, latest=series[-1] if series else None, levels=listing.levels_in_use(session)
    )


@bp.get("/about")
def about():
    """Who runs the site, what it publishes and how to reach the Office."""
    return render_template("about/about.html")


@bp.get("/privacy")
def privacy():
    """What is kept about visitors and citizens, for how long, and who sees it."""
    return render_template("about/privacy.html")


@bp.get("/accessibility")
def accessibility():
    """The accessibility statement: the standard, how it is checked, known issues, how to report one."""
    return render_template("about/accessibility.html")


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says: the site's icon (SVG)."""
    return redirect(url_for("static", filename="favicon.svg"), 301)
