"""The back office under /admin: login, then what each role may see and do."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, g, redirect, request, session, url_for

from app.db import get_session
from app.models import Account

bp = Blueprint("admin", __name__, url_prefix="/admin")
OPEN = {"admin.login"}


def current_account() -> Account | None:
    """The signed-in account, if its session is still valid (same password, still active)."""
    if "account" not in g:
        account = None
        account_id, version = session.get("account_id"), session.get("account_version")
        if account_id:
            found = get_session().get(Account, account_id)
            if found is not None and found.active and found.session_version == version:
                account = found
        g.account = account
    return g.account


@bp.before_app_request
def _login_first():
    """Send anonymous visitors of any /admin page to the login, coming back afterwards."""
    path = request.path
    in_admin = (path == "/admin" or path.startswith("/admin/")) and request.endpoint not in OPEN
    if in_admin and current_account() is None:
        back = (request.full_path if request.query_string else request.path) if request.method == "GET" else None
        return redirect(url_for("admin.login", next=back))
    return None


def require(*roles: str):
    """Allow only the given roles (administrators always); others get 403. Anonymous visitors never
    get here: `_login_first` has sent them to the login."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            account = current_account()
            if account.role != "admin" and account.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def get_or_404(model, record_id: int):
    """The row of `model` with this id, or a 404."""
    found = get_session().get(model, record_id)
    if found is None:
        abort(404)
    return found


@bp.app_context_processor
def _account():
    return {"admin_account": current_account() if request.path.startswith("/admin") else None}


from app.routes.admin import accounts, audit_log, auth, feedback, imports, months, ratings, receipts, records  # noqa: E402,F401
