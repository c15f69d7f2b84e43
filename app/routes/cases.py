"""A file's status for its applicant, opened by the receipt's token (SPEC §2 `/cases/<case_code>`)."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from app import clock
from app.db import get_session
from app.late.status import file_status, find_case
from app.models.tokens import UNMATCHABLE, tokens_match
from app.web.caching import private_page
from app.web.security import limiter

bp = Blueprint("cases", __name__, url_prefix="/cases")
# The receipt's token is in the address: it is never sent on to another page, even of this site.
SECRET_ADDRESS = {"Referrer-Policy": "no-referrer"}


@bp.get("")
def lookup():
    """Go to the status page of the code and token typed from a receipt."""
    private_page()
    code = request.args.get("case", "").strip()[:100]
    if not code:
        return _how_to(code), 200, SECRET_ADDRESS
    target = url_for("cases.show", code=code, t=request.args.get("t", "").strip()[:64] or None)
    return redirect(target, 303), SECRET_ADDRESS


@bp.get("/<path:code>")
@limiter.limit(lambda: current_app.config["CASE_LOOKUP_RATE_LIMIT"])
def show(code):
    """With the file's receipt token: its dates, steps by agency, lateness, pauses, new
    appointment and apology. Without it (or for no such file): the same page telling how to use
    the receipt, so that nothing says whether a file has this code."""
    private_page()
    session = get_session()
    case = find_case(session, code)
    token = request.args.get("t", "")[:64]
    if not tokens_match(case.receipt_token if case else UNMATCHABLE, token) or case is None:
        return _how_to(code[:100]), 200, SECRET_ADDRESS
    status = file_status(session, case, clock.local_now())
    page = render_template("cases/show.html", status=status, case=case, token=token)
    return page, 200, SECRET_ADDRESS


def _how_to(code: str) -> str:
    return render_template("cases/how_to.html", code=code)
