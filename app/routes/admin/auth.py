"""Login (throttled, with a lockout), logout by POST, password change, and the dashboard."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from app.admin import accounts
from app.db import get_session
from app.feedback import queue as feedback_ops
from app.routes.admin import bp, current_account
from app.web.security import limiter


def _safe_next(target: str | None) -> str:
    """Only a path of this site's back office: never an open redirect."""
    if target and target.startswith("/admin") and not target.startswith("//"):
        return target
    return url_for("admin.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    """Sign in with email and password."""
    error, status = None, 200
    email = request.form.get("email", "")[:254]
    if request.method == "POST":
        db = get_session()
        account = None
        try:
            account = accounts.authenticate(db, email, request.form.get("password", "")[:1000])
        except accounts.LockedOut as locked:
            error, status = (
                _("Đăng nhập sai quá nhiều lần. Tài khoản tạm khóa đến %(time)s.", time=locked.until.strftime("%H:%M")),
                429,
            )
        else:
            if account is None:
                error, status = _("Thư điện tử hoặc mật khẩu không đúng."), 401
        db.commit()  # the login, or the failed attempt (even the one that locks the account)
        if account is not None:
            session.clear()
            session["account_id"], session["account_version"] = account.id, account.session_version
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")), 303)
    return render_template("admin/login.html", error=error, email=email), status


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("admin.login"), 303)


@bp.get("")
def dashboard():
    """What waits for the signed-in person."""
    db = get_session()
    account = current_account()
    days = current_app.config["FEEDBACK_ANSWER_DAYS"]
    overdue = len(feedback_ops.queue(db, account, days, overdue_only=True))
    return render_template(
        "admin/dashboard.html",
        counts=feedback_ops.status_counts(db, account),
        overdue=overdue,
        timely=feedback_ops.timeliness(db, days, account),
        days=days,
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
