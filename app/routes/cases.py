"""A file's status for its applicant, opened by the receipt's token (SPEC §2 `/cases/<case_code>`)."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from app import clock
from app.db import get_session
from app.late.status import case_by_receipt, file_status
from app.web.caching import secret_address
from app.web.security import limiter

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.get("")
def lookup():
    """Go to the status page of the code and token typed from a receipt."""
    secret_address()
    code = request.args.get("case", "").strip()[:100]
    if not code:
        return _how_to(code)
    target = url_for("cases.show", code=code, t=request.args.get("t", "").strip()[:64] or None)
    return redirect(target, 303)


@bp.get("/<path:code>")
@limiter.limit(lambda: current_app.config["CASE_LOOKUP_RATE_LIMIT"])
def show(code):
    """With the file's receipt token: its dates, steps by agency, lateness, pauses, new
    appointment and apology. Without it (or for no such file): the same page telling how to use
    the receipt, so that nothing says whether a file has this code."""
    secret_address()
    session = get_session()
    token = request.args.get("t", "")[:64]
    case = case_by_receipt(session, code, token)
    if case is None:
        return _how_to(code[:100])
    status = file_status(session, case, clock.local_now())
    return render_template("cases/show.html", status=status, case=case, token=token)


def _how_to(code: str) -> str:
    return render_template("cases/how_to.html", code=code)
