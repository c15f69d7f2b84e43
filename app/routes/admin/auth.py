"""Login (throttled, failures counted by the login guard), logout by POST, password change, and
the dashboard."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.admin import accounts
from app.admin.codes import OFFICE_STAFF
from app.db import get_session
from app.feedback import queue as feedback_ops
from app.feedback import stats
from app.models import OutboxMail
from app.routes.admin import bp, current_account
from app.web.security import client_key, limiter, login_guard


def _safe_next(target: str | None) -> str:
    """Only a path of this site's back office, in plain printable characters: never an open
    redirect, never a header split."""
    if target and len(target) <= 500 and target.isprintable() and "\\" not in target:
        parts = urlsplit(target)
        inside = parts.path == "/admin" or parts.path.startswith("/admin/")
        if not parts.scheme and not parts.netloc and inside and not target.startswith("//"):
            return target
    return url_for("admin.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    """Sign in with email and password. A wrong password, an unknown email and an attempt over the
    login guard's limits get the same answer."""
    error, status = None, 200
    email = request.form.get("email", "")[:254]
    target = _safe_next(request.args.get("next"))  # checked before anything is written
    if request.method == "POST":
        db = get_session()
        key = accounts.normalise_email(email)
        admitted = login_guard().admit(key, client_key())
        account = accounts.authenticate(db, email, request.form.get("password", "")[:1000], admitted=admitted)
        if account is None:
            error, status = _("Thư điện tử hoặc mật khẩu không đúng."), 401
        else:
            login_guard().succeeded(key, client_key())
            db.commit()  # the login's time and its line in the audit log
            session.clear()
            session["account_id"], session["account_version"] = account.id, account.session_version
            session.permanent = True
            return redirect(target, 303)
    return render_template("admin/login.html", error=error, email=email), status


@bp.post("/logout")
def logout():
    """Sign out: the account's sessions end on the server too, so that a copy of the cookie saved
    before no longer opens the back office (every device of the account signs in again)."""
    account = current_account()
    if account is not None:
        db = get_session()
        account.session_version = (account.session_version or 1) + 1
        db.commit()
    session.clear()
    return redirect(url_for("admin.login"), 303)


@bp.get("")
def dashboard():
    """What waits for the signed-in person."""
    db = get_session()
    account = current_account()
    days = current_app.config["FEEDBACK_ANSWER_DAYS"]
    overdue = feedback_ops.overdue_count(db, account, days)
    staff = account.role in OFFICE_STAFF
    return render_template(
        "admin/dashboard.html",
        counts=feedback_ops.status_counts(db, account),
        overdue=overdue,
        timely=feedback_ops.timeliness(db, days, account),
        days=days,
        waiting_comments=stats.waiting_comments(db) if staff else None,
        waiting_mail=db.scalar(
            select(func.count(OutboxMail.id)).where(OutboxMail.sent_at.is_(None), OutboxMail.failed_at.is_(None))
        )
        if staff
        else None,
    )


@bp.route("/password", methods=["GET", "POST"])
def password():
    """Change one's own password; other sessions of the account end."""
    account = current_account()
    error, status = None, 200
    if request.method == "POST":
        db = get_session()
        new = request.form.get("new_password", "")
        try:
            if new != request.form.get("confirm_password", ""):
                raise accounts.AccountError(_("Hai lần nhập mật khẩu mới không khớp."))
            accounts.change_password(db, account, request.form.get("current_password", ""), new)
        except accounts.AccountError as exc:
            error, status = str(exc), 422
        else:
            db.commit()
            session["account_version"] = account.session_version
            return redirect(url_for("admin.dashboard"), 303)
    return render_template("admin/password.html", error=error), status
