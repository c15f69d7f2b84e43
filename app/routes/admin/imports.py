"""Upload a file, see what it would change, confirm: the command line's imports, in the browser.

The preview and the import itself run as background jobs (app/jobs.py): the upload answers at once
with the job's page, which shows its progress (htmx polls it; without JavaScript it reloads itself)
and then its result, kept with the job."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app import jobs
from app.admin import imports as uploads
from app.clock import local_now
from app.db import get_session
from app.imports import KINDS
from app.models import Account, Job
from app.routes._render import render_page
from app.routes.admin import bp, current_account, require


def _directory() -> str:
    return current_app.config["UPLOAD_DIR"]


def _me() -> Account:
    account = current_account()
    assert account is not None  # @require signed them in
    return account


def _form(**context) -> str:
    recent = jobs.recent(get_session(), _me())
    return render_template("admin/imports.html", kinds=KINDS, recent=recent, **context)


@bp.route("/imports", methods=["GET", "POST"])
@require("editor")
def imports():
    """Choose a kind and a file; the answer is the page of the job previewing what it would change."""
    if request.method == "GET":
        return _form()
    kind = request.form.get("kind", "")
    upload = request.files.get("file")
    if kind not in KINDS or upload is None or not upload.filename:
        return _form(kind=kind, error=_("Hãy chọn loại dữ liệu và tệp.")), 422
    data = upload.read()
    if not data:
        return _form(kind=kind, error=_("Không đọc được tệp: %(reason)s", reason=_("tệp rỗng"))), 422
    account = _me()
    token = uploads.keep_upload(_directory(), kind, data, account.id, upload.filename)
    kept = uploads.kept_upload(_directory(), token, kind, account.id)
    assert kept is not None
    filename = kept[1]  # as kept: without any folder, at most 120 characters
    job = jobs.submit(get_session(), "import.preview", {"kind": kind, "token": token, "filename": filename}, account)
    return redirect(url_for("admin.job", job_id=job.id), 303)


@bp.post("/imports/confirm")
@require("editor")
def import_confirm():
    """Apply a previewed file exactly as `flask import KIND FILE` would, as a job."""
    kind, token = request.form.get("kind", ""), request.form.get("token", "")
    account = _me()
    kept = uploads.kept_upload(_directory(), token, kind, account.id)
    if kept is None:
        abort(404)
    db = get_session()
    for earlier in jobs.recent(db, account, limit=50):
        if earlier.kind == "import.apply" and earlier.params.get("token") == token and earlier.state != "failed":
            return redirect(url_for("admin.job", job_id=earlier.id), 303)  # confirmed twice: one import
    params = {
        "kind": kind,
        "token": token,
        "filename": kept[1],  # the name it was uploaded under, whatever the form says
        "skip_invalid": request.form.get("skip_invalid") == "1",
    }
    job = jobs.submit(db, "import.apply", params, account)
    return redirect(url_for("admin.job", job_id=job.id), 303)


def _own_job(job_id: int) -> Job:
    job = get_session().get(Job, job_id)
    if job is None or job.account_id != _me().id:
        abort(404)  # a job, its file and its result are its uploader's only
    return job


@bp.get("/jobs/<int(max=2147483647):job_id>")
@require("editor")
def job(job_id: int):
    """The job's progress while it runs, then its result: an import's preview or report."""
    found = _own_job(job_id)
    stale = jobs.stale(found, local_now(), current_app.config["JOB_STALE_SECONDS"])
    waiting = found.state in ("queued", "running") and not stale
    return render_page("admin/job.html", "job", job=found, stale=stale, waiting=waiting)


@bp.post("/jobs/<int(max=2147483647):job_id>/retry")
@require("editor")
def job_retry(job_id: int):
    """Run a failed job, or one its runner left, again."""
    jobs.retry(get_session(), _own_job(job_id))
    return redirect(url_for("admin.job", job_id=job_id), 303)
