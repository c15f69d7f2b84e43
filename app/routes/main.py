"""The home page."""

from flask import Blueprint, render_template
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
    return render_template("index.html", counts=counts, latest=series[-1] if series else None)
