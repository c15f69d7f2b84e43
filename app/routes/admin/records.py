"""Correcting procedures, agencies, officers and holidays, with each record's history."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit
from app.admin import edits
from app.catalogue.listing import procedures_named
from app.db import get_session
from app.models import Agency, HolidayOverride, Officer, Procedure, by_code
from app.routes.admin import bp, current_account, require

LIMIT = 50
LABELS = {
    "name": _l("Tên"),
    "level": _l("Cấp"),
    "procedure_type": _l("Loại thủ tục"),
    "subjects": _l("Đối tượng thực hiện"),
    "conditions": _l("Yêu cầu, điều kiện"),
    "issuing_agency": _l("Cơ quan ban hành"),
    "receiving_address": _l("Địa chỉ tiếp nhận"),
    "status": _l("Trạng thái (in_force, amended, abolished)"),
    "aliases": _l("Tên gọi khác (cách nhau bởi |)"),
    "parent_code": _l("Mã cơ quan cấp trên"),
    "valid_from": _l("Hoạt động từ (YYYY-MM-DD)"),
    "valid_to": _l("Hoạt động đến (YYYY-MM-DD)"),
    "title": _l("Chức vụ"),
    "agency_code": _l("Mã cơ quan"),
    "address": _l("Địa chỉ"),
    "phone": _l("Điện thoại"),
    "email": _l("Thư điện tử"),
    "opening_hours": _l("Giờ làm việc"),
    "website": _l("Trang thông tin điện tử (https://...)"),
}
LONG = {"subjects", "conditions", "receiving_address"}


def _saved(changes: dict) -> str:
    return _("Đã lưu %(n)s thay đổi.", n=len(changes)) if changes else _("Không có gì thay đổi.")


def _form(values: dict) -> list[dict]:
    return [
        {"name": k, "label": LABELS[k], "value": "" if v is None else str(v), "long": k in LONG}
        for k, v in values.items()
    ]


def _edit(kind: str, title: str, record_key: str, values: dict, save, **extra):
    """Show the form and history of one record; on POST save the changes (422 with a message)."""
    db = get_session()
    error, status = None, 200
    if request.method == "POST":
        # A field the form does not send is left as it is.
        typed = {k: request.form[k][:5000] for k in values if k in request.form}
        try:
            changes = save(db, current_account(), typed)
        except edits.EditError as exc:
            db.rollback()
            error, status, values = str(exc), 422, {**values, **typed}
        else:
            db.commit()  # the search index follows a corrected procedure or agency
            flash(_saved(changes))
            return redirect(request.path, 303)
    return render_template(
        "admin/record_edit.html",
        title=title,
        fields=_form(values),
        error=error,
        history=audit.history(db, kind, record_key),
        **extra,
    ), status


def _listing(title: str, records, endpoint: str, q: str | None = None):
    """A list of records (code, name) linking to their forms, with a search box when `q` is given."""
    rows = [(r.code, r.name, url_for(endpoint, code=r.code)) for r in records]
    return render_template("admin/records.html", title=title, q=q, rows=rows, searchable=q is not None)


def _found(model, code):
    record = by_code(get_session(), model, code)
    if record is None:
        abort(404)
    return record


@bp.get("/procedures")
@require("editor")
def procedures():
    q = request.args.get("q", "")[:200].strip()
    # The folded name starts with the code, so a code is found like any word.
    return _listing(
        _("Thủ tục"), procedures_named(get_session(), q, LIMIT, include_abolished=True), "admin.procedure_edit", q
    )


@bp.route("/procedures/<path:code>", methods=["GET", "POST"])
@require("editor")
def procedure_edit(code):
    procedure = _found(Procedure, code)
    return _edit(
        "procedure",
        procedure.name,
        procedure.code,
        edits.procedure_values(procedure),
        lambda db, account, typed: edits.edit_procedure(db, account, procedure, typed),
        procedure=procedure,
    )


@bp.post("/procedures/<path:code>/times")
@require("editor")
def procedure_times(code):
    """Correct the time limits of a procedure's channels."""
    procedure = _found(Procedure, code)
    db = get_session()
    times = {}
    for position in range(len(procedure.channels)):
        if f"value_{position}" in request.form:
            times[position] = (request.form[f"value_{position}"][:20], request.form.get(f"unit_{position}", "")[:20])
    try:
        changes = edits.edit_processing_times(db, current_account(), procedure, times)
    except edits.EditError as exc:
        db.rollback()
        flash(str(exc), "error")
    else:
        db.commit()
        flash(_saved(changes))
    return redirect(url_for("admin.procedure_edit", code=procedure.code), 303)


@bp.get("/agencies")
@require("editor")
def agencies():
    return _listing(_("Cơ quan"), get_session().scalars(select(Agency).order_by(Agency.code)), "admin.agency_edit")


@bp.route("/agencies/<path:code>", methods=["GET", "POST"])
@require("editor")
def agency_edit(code):
    agency = _found(Agency, code)
    return _edit(
        "agency",
        agency.name,
        agency.code,
        edits.agency_values(agency),
        lambda db, account, typed: edits.edit_agency(db, account, agency, typed),
    )


@bp.get("/officers")
@require("editor")
def officers():
    q = request.args.get("q", "")[:200].strip()
    return _listing(_("Cán bộ"), edits.officers_named(get_session(), q, LIMIT), "admin.officer_edit", q)


@bp.route("/officers/<path:code>", methods=["GET", "POST"])
@require("editor")
def officer_edit(code):
    officer = _found(Officer, code)
    return _edit(
        "officer",
        officer.name,
        officer.code,
        edits.officer_values(officer),
        lambda db, account, typed: edits.edit_officer(db, account, officer, typed),
    )


@bp.route("/holidays", methods=["GET", "POST"])
@require("editor")
def holidays():
    """Days off and working weekend days beyond the national calendar."""
    db = get_session()
    error, status = None, 200
    if request.method == "POST":
        try:
            day = dt.date.fromisoformat(request.form.get("date", ""))
        except ValueError:
            error, status = _("Ngày không hợp lệ (YYYY-MM-DD)."), 422
        else:
            kind = request.form.get("kind") or None
            try:
                edits.set_holiday(
                    db,
                    current_account(),
                    day,
                    request.form.get("name", "")[:200].strip(),
                    None if kind == "remove" else kind,
                )
            except edits.EditError as exc:
                db.rollback()
                error, status = str(exc), 422
            else:
                db.commit()
                flash(_("Đã lưu."))
                return redirect(url_for("admin.holidays"), 303)
    rows = list(db.scalars(select(HolidayOverride).order_by(HolidayOverride.date.desc())))
    return render_template("admin/holidays.html", rows=rows, error=error, history=audit.history(db, "holiday")), status
