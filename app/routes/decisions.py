"""Publication decisions and the procedures each adds, amends or abolishes."""

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.catalogue import records
from app.catalogue.codes import DecisionAction
from app.db import get_session
from app.models import Decision, DecisionItem
from app.params import int_param

bp = Blueprint("decisions", __name__, url_prefix="/decisions")


@bp.get("")
def index():
    """List publication decisions, newest first."""
    page_number = int_param(request.args, "page", 1, 1, 100000)
    page = records.list_decisions(get_session(), page_number)
    return render_template("decisions/index.html", page=page)


@bp.get("/<int(max=2147483647):decision_id>")
def show(decision_id):
    """Show one decision and its procedures grouped by what it does to them."""
    decision = get_session().scalar(
        select(Decision)
        .where(Decision.id == decision_id)
        .options(selectinload(Decision.items).selectinload(DecisionItem.procedure))
    )
    if decision is None:
        abort(404)
    groups = {
        action: sorted((i.procedure for i in decision.items if i.action == action), key=lambda p: p.code)
        for action in DecisionAction
    }
    return render_template("decisions/show.html", decision=decision, groups=groups)
