"""Publication decisions and the procedures each adds, amends or abolishes."""

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.catalogue import decisions
from app.catalogue.codes import DecisionAction
from app.db import get_session
from app.models import Decision, DecisionItem
from app.params import BadParameter, int_param

bp = Blueprint("decisions", __name__, url_prefix="/decisions")


@bp.get("")
def index():
    """Publication decisions, the province's own first, then by date (or number, issuer, size),
    searched by number or issuer."""
    args = request.args
    page_number = int_param(args, "page", 1, 1, 100000)
    sort = args.get("sort") or "date"
    if sort not in decisions.SORTS:
        raise BadParameter("sort", sort, ", ".join(decisions.SORTS))
    direction = args.get("dir") or ("asc" if sort == "issuer" else "desc")
    if direction not in ("asc", "desc"):
        raise BadParameter("dir", direction, "asc, desc")
    q = (args.get("q") or "")[:200]
    own = current_app.config["SITE_OWNER"]
    page = decisions.search(get_session(), own, q, sort, direction == "desc", page_number)
    return render_template("decisions/index.html", page=page, q=q, sort=sort, direction=direction, sorts=SORT_LABELS)


SORT_LABELS = {
    "date": _l("Ngày ban hành"),
    "number": _l("Số quyết định"),
    "issuer": _l("Cơ quan ban hành"),
    "count": _l("Số thủ tục"),
}


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
    issuer = decision.issuer or decisions.issuer_of(decision.number, current_app.config["SITE_OWNER"])
    return render_template("decisions/show.html", decision=decision, groups=groups, issuer=issuer)
