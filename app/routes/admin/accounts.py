"""Accounts, for administrators: create one with its role, deactivate or reactivate it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.admin import accounts as ops
from app.db import get_session
from app.feedback.service import selectable_agencies
from app.models import Account, Agency, by_code
from app.routes.admin import bp, current_account, get_or_404, require


@bp.route("/accounts", methods=["GET", "POST"])
@require("admin")
def accounts():
    db = get_session()
    error, status = None, 200
    if request.method == "POST":
        agency = by_code(db, Agency, request.form.get("agency_code"))
        try:
            account = ops.create_account(
                db,
                current_account(),
                request.form.get("email", "")[:254],
                request.form.get("password", "")[:1000],
                role=request.form.get("role", ""),
                agency=agency,
                name=request.form.get("name", "")[:200].strip() or None,
            )
        except ops.AccountError as exc:
            db.rollback()
            error, status = str(exc), 422
        else:
            db.commit()
            flash(_("Đã tạo tài khoản %(email)s.", email=account.email))
            return redirect(url_for("admin.accounts"), 303)
    rows = list(db.scalars(select(Account).order_by(Account.email)))
    return render_template(
        "admin/accounts.html", rows=rows, agencies=selectable_agencies(db), error=error, typed=request.form
    ), status


@bp.post("/accounts/<int(max=2147483647):account_id>")
@require("admin")
def account_active(account_id):
    db = get_session()
    account = get_or_404(Account, account_id)
    if account.id == current_account().id:
        abort(400)
    ops.set_active(db, current_account(), account, request.form.get("action") == "activate")
    db.commit()
    return redirect(url_for("admin.accounts"), 303)
