"""The back office's imports as background jobs (app/jobs.py): the upload answers at once, the job's
page shows its progress while it runs (htmx polling, a self-reloading page without JavaScript) and
keeps its result; a job whose runner died, or that failed, is shown so and runs again; the same jobs
run on RQ over a real Redis, and in this process when Redis is away."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import socket
import subprocess
import threading
import time

import pytest
from sqlalchemy import func, select

from app import jobs
from app.admin import imports as uploads
from app.clock import local_now
from app.db import get_session
from app.imports import progress
from app.models import Job, Officer
from tests import late_world
from tests.conftest import login, make_app, soup, token
from tests.test_admin import accounts

EDITOR = "editor@tinh.gov.vn"


def officers_csv(count: int, agency: str = "T.STP") -> bytes:
    lines = ["officer_code,officer_name,officer_title,agency_code"]
    lines += [f"J{n},Cán bộ {n},,{agency}" for n in range(count)]
    return ("\n".join(lines) + "\n").encode()


def upload(client, data: bytes, name: str = "can-bo.csv"):
    return client.post(
        "/admin/imports",
        data={"csrf_token": token(client, "/admin/imports"), "kind": "officers", "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def job_of(app, job_id: int) -> Job:
    with app.app_context():
        session = get_session()
        found = session.get(Job, job_id)
        session.expunge(found)
        return found


def officers(app) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count(Officer.id)))


@pytest.fixture
def threaded(databases, tmp_path):
    """An office whose jobs run in a thread of the process, as under `make run`."""
    app = make_app(databases, tmp_path, JOBS_RUNNER="thread")
    late_world.build(app, "2023-04")
    accounts(app)
    return app


def test_a_preview_runs_in_the_background_and_its_page_shows_progress_then_the_result(threaded, monkeypatch):
    client = threaded.test_client()
    login(client, EDITOR)
    release = threading.Event()
    original = uploads.preview

    def slow_preview(engine, importer, data):
        progress.tell("checking", 500, 1000)
        assert release.wait(20)
        return original(engine, importer, data)

    monkeypatch.setattr(uploads, "preview", slow_preview)
    response = upload(client, officers_csv(3))
    assert response.status_code == 303, "the upload answers before the preview has run"
    page = response.headers["Location"]
    job_id = int(page.rsplit("/", 1)[1])
    deadline = time.monotonic() + 10
    while job_of(threaded, job_id).stage != "checking":
        assert time.monotonic() < deadline, "the ticker writes the progress told"
        time.sleep(0.1)
    running = soup(client.get(page))
    bar = running.select_one("progress#job-progress")
    assert (bar["max"], bar["value"]) == ("1000", "500")
    assert running.select_one("#job")["hx-trigger"] == "every 1s", "htmx polls the job"
    assert 'http-equiv="refresh"' in str(running.select_one("noscript")), "without JavaScript the page reloads"
    fragment = client.get(page, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="job"') and "<html" not in fragment
    assert officers(threaded) == 3, "nothing is written by a preview"

    release.set()
    jobs.wait(threaded)
    done = soup(client.get(page))
    assert [li.strong.text for li in done.select(".headline li")] == ["3", "0", "0", "0"]
    assert done.select_one("#job").get("hx-trigger") is None, "a finished job is not polled"
    assert done.select_one("noscript") is None
    listed = soup(client.get("/admin/imports")).select("table.data-table tbody tr")
    assert "can-bo.csv" in listed[0].text and "Xong" in listed[0].text, "the result is kept with the job"

    form = {i["name"]: i["value"] for i in done.select("#job form input[type=hidden]")}
    applied = client.post("/admin/imports/confirm", data=form)
    jobs.wait(threaded)
    assert "Đã nhập: imported 3, updated 0, rejected 0" in client.get(applied.headers["Location"]).get_data(
        as_text=True
    )
    assert officers(threaded) == 6


def test_a_large_preview_reports_its_rows_as_it_goes(threaded):
    client = threaded.test_client()
    login(client, EDITOR)
    seen: list[tuple[str, int, int | None]] = []
    with threaded.app_context(), progress.listening(lambda *told: seen.append(told)):
        report = uploads.preview(threaded.extensions["engine"], jobs_importer(), officers_csv(5000))
    assert report.imported == 5000
    stages = [stage for stage, _done, _total in seen]
    assert stages[0] == "reading" and "checking" in stages and "writing" in stages
    assert ("checking", 4000, 5000) in seen, "rows checked of the rows read"


def jobs_importer():
    from app.imports import importers

    return importers()["officers"]


def test_a_job_whose_runner_died_is_shown_stopped_and_runs_again(app, client):
    late_world.build(app, "2023-04")
    accounts(app)
    login(client, EDITOR)
    with app.app_context():
        session = get_session()
        editor = session.scalar(select(jobs.Account).where(jobs.Account.email == EDITOR))
        kept = uploads.keep_upload(app.config["UPLOAD_DIR"], "officers", officers_csv(2), editor.id, "con-lai.csv")
        long_ago = local_now() - dt.timedelta(minutes=10)
        left = Job(
            kind="import.preview",
            state="running",
            account_id=editor.id,
            params={"kind": "officers", "token": kept, "filename": "con-lai.csv"},
            done=0,
            attempts=1,
            created_at=long_ago,
            started_at=long_ago,
            heartbeat_at=long_ago,
        )
        alive = Job(
            kind="import.preview",
            state="running",
            account_id=editor.id,
            params=dict(left.params),
            done=0,
            attempts=1,
            created_at=local_now(),
            started_at=local_now(),
            heartbeat_at=local_now(),
        )
        session.add_all([left, alive])
        session.commit()
        left_id, alive_id = left.id, alive.id
    page = f"/admin/jobs/{left_id}"
    stopped = soup(client.get(page))
    assert "dừng giữa chừng" in stopped.select_one("#job [role=alert]").text
    assert stopped.select_one("#job").get("hx-trigger") is None, "a stopped job is not polled"
    retry = {"csrf_token": token(client, page)}
    assert client.post(f"{page}/retry", data=retry).status_code == 303
    again = job_of(app, left_id)
    assert (again.state, again.attempts, again.result["imported"]) == ("done", 2, 2)
    # A job that is alive is not run twice, whatever the form says.
    client.post(f"/admin/jobs/{alive_id}/retry", data=retry)
    assert (job_of(app, alive_id).state, job_of(app, alive_id).attempts) == ("running", 1)


def test_a_job_that_cannot_do_its_work_fails_visibly(office_app):
    app, client = office_app
    response = upload(client, officers_csv(2))
    page = response.headers["Location"]
    form = {i["name"]: i["value"] for i in soup(client.get(page)).select("#job form input[type=hidden]")}
    with app.app_context():
        editor = get_session().scalar(select(jobs.Account).where(jobs.Account.email == EDITOR))
        path, _name = uploads.kept_upload(app.config["UPLOAD_DIR"], form["token"], "officers", editor.id)
        submitted = jobs.Job(
            kind="import.apply",
            state="queued",
            account_id=editor.id,
            params={"kind": "officers", "token": form["token"], "filename": "can-bo.csv", "skip_invalid": False},
            done=0,
            attempts=0,
            created_at=local_now(),
        )
        session = get_session()
        session.add(submitted)
        session.commit()
        job_id = submitted.id
    uploads.discard(path)
    jobs.perform(job_id, app)
    failed = job_of(app, job_id)
    assert failed.state == "failed" and "Tệp tải lên không còn" in failed.error
    shown = soup(client.get(f"/admin/jobs/{job_id}"))
    assert "Tệp tải lên không còn" in shown.select_one("#job [role=alert]").text
    assert shown.select_one(f"form[action='/admin/jobs/{job_id}/retry']") is not None
    assert officers(app) == 3


@pytest.fixture
def office_app(app):
    late_world.build(app, "2023-04")
    accounts(app)
    client = app.test_client()
    login(client, EDITOR)
    return app, client


def test_confirming_twice_imports_once(office_app):
    app, client = office_app
    page = upload(client, officers_csv(2)).headers["Location"]
    form = {i["name"]: i["value"] for i in soup(client.get(page)).select("#job form input[type=hidden]")}
    first = client.post("/admin/imports/confirm", data=form)
    assert first.status_code == 303
    assert client.post("/admin/imports/confirm", data=form).status_code == 404, "the file was applied"
    with app.app_context():
        assert get_session().scalar(select(func.count(Job.id)).where(Job.kind == "import.apply")) == 1


def test_a_file_that_cannot_be_read_is_a_result_not_a_failure(office_app):
    app, client = office_app
    page = upload(client, b"\xff\xfe\x00garbage").headers["Location"]
    shown = soup(client.get(page))
    assert "Không đọc được tệp" in shown.select_one("#job [role=alert]").text
    assert job_of(app, int(page.rsplit("/", 1)[1])).state == "done"


@pytest.fixture
def redis_url():
    """A Redis server of its own on a free port (Debian's redis-server)."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but redis-server is missing")
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


def test_jobs_run_on_rq_and_in_the_process_while_redis_is_away(databases, tmp_path, redis_url):
    from redis import Redis
    from rq import SimpleWorker

    app = make_app(databases, tmp_path, JOBS_RUNNER="", JOBS_REDIS_URL=redis_url)
    late_world.build(app, "2023-04")
    accounts(app)
    client = app.test_client()
    login(client, EDITOR)
    page = upload(client, officers_csv(4)).headers["Location"]
    job_id = int(page.rsplit("/", 1)[1])
    assert job_of(app, job_id).state == "queued", "the job waits in Redis for the worker"
    assert "Đang chờ đến lượt" in client.get(page).get_data(as_text=True)
    with app.app_context():
        SimpleWorker([jobs.QUEUE], connection=Redis.from_url(redis_url)).work(burst=True)
    assert job_of(app, job_id).result["imported"] == 4

    app.config["JOBS_REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    page = upload(client, officers_csv(1), "mot.csv").headers["Location"]
    jobs.wait(app)
    assert job_of(app, int(page.rsplit("/", 1)[1])).result["imported"] == 1, "run by a thread instead"
