"""Upload a file, see what it would change, confirm: the command line's imports, in the browser."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.admin import imports as uploads
from app.db import get_session
from app.imports import KINDS, importers, run
from app.imports.errors import ImportRejected
from app.routes.admin import bp, current_account, require


def _directory() -> str:
    return current_app.config["UPLOAD_DIR"]


def _form(**context) -> str:
    return render_template("admin/imports.html", kinds=KINDS, **context)


@bp.route("/imports", methods=["GET", "POST"])
@require("editor")
def imports():
    """Choose a kind and a file; the answer is the preview of what it would change."""
    if request.method == "GET":
        return _form()
    kind = request.form.get("kind", "")
    upload = request.files.get("file")
    if kind not in KINDS or upload is None or not upload.filename:
        return _form(kind=kind, error=_("Hãy chọn loại dữ liệu và tệp.")), 422
    data = upload.read()
    try:
        report = uploads.preview(current_app.extensions["engine"], importers()[kind], data)
    except ImportRejected as exc:
        return _form(kind=kind, error=_("Không đọc được tệp: %(reason)s", reason=str(exc))), 422
    token = uploads.keep_upload(_directory(), kind, data, current_account().id, upload.filename)
    return render_template("admin/import_preview.html", kind=kind, report=report, token=token, filename=upload.filename)


@bp.post("/imports/confirm")
@require("editor")
def import_confirm():
    """Apply a previewed file exactly as `flask import KIND FILE` would."""
    kind, token = request.form.get("kind", ""), request.form.get("token", "")
    kept = uploads.kept_upload(_directory(), token, kind, current_account().id)
    if kept is None:
        abort(404)
    path, filename = kept  # the name it was uploaded under, whatever the form says
    db = get_session()
    report = run(
        db,
        current_account(),
        kind,
        path.read_bytes(),
        source=filename,
        skip_invalid=request.form.get("skip_invalid") == "1",
    )
    if report.applied:
        db.commit()  # the search index follows a catalogue change once it is committed
        uploads.discard(path)
        flash(_("Đã nhập: %(summary)s", summary=report.summary()))
        return redirect(url_for("admin.imports"), 303)
    return render_template("admin/import_preview.html", kind=kind, report=report, token=token, filename=filename), 422
