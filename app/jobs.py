"""Back-office work run outside the request: an import's preview and its application.

A job is a row of `jobs` (app.models.Job), committed before anything runs; the row is its truth
whichever runner runs it: state, progress, result or error. The runners:

- RQ on Redis when JOBS_REDIS_URL is set (the production stack; `flask jobs work` is its worker);
  a Redis that cannot be reached when a job is submitted leaves it to a thread of the web process;
- otherwise a thread of the web process (`make run`, `make serve`);
- JOBS_RUNNER=inline runs the job inside the request that submits it (the tests).

A runner first claims the row (an UPDATE only one runner can win), so a job runs once at a time.
While it runs, a ticker writes how far it has come and that it is alive; a job with no sign of life
for JOB_STALE_SECONDS (its runner died), or that failed, can be run again from its page.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import queue
import threading
from collections.abc import Callable

from flask import Flask, current_app
from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.clock import local_now
from app.imports import progress
from app.imports.errors import ImportRejected, ImportReport
from app.models import Account, Job

log = logging.getLogger("app.jobs")
QUEUE = "tthc"
# Seconds between two writes of a running job's progress and heartbeat.
TICK = 1.0
# Rejected rows kept with a job's result (the page shows the first 200; the count is whole).
KEPT_REJECTIONS = 1000
STATES = ("queued", "running", "done", "failed")

Work = Callable[[Flask, Session, Job], dict]
KINDS: dict[str, Work] = {}


class JobFailed(Exception):
    """The job cannot do its work (its file is gone): it fails with this message, not a traceback."""


def kind(name: str) -> Callable[[Work], Work]:
    def register(work: Work) -> Work:
        KINDS[name] = work
        return work

    return register


def submit(session: Session, name: str, params: dict, account: Account | None) -> Job:
    """Write the job (committed) and hand it to this app's runner."""
    assert name in KINDS, name
    job = Job(kind=name, state="queued", account_id=account.id if account else None, params=params)
    job.created_at, job.done, job.attempts = local_now(), 0, 0
    session.add(job)
    session.commit()
    dispatch(current_app._get_current_object(), job.id)  # type: ignore[attr-defined]
    return job


def dispatch(app: Flask, job_id: int) -> None:
    runner = app.config["JOBS_RUNNER"] or ("rq" if app.config["JOBS_REDIS_URL"] else "thread")
    if runner == "inline":
        perform(job_id, app)
        return
    if runner == "rq":
        try:
            rq_queue(app).enqueue(
                "app.jobs.perform", job_id, job_timeout=app.config["JOB_TIMEOUT_SECONDS"], result_ttl=0
            )
            return
        except Exception:  # noqa: BLE001 - Redis away: the job still runs, in this process
            log.warning("job %s: Redis unreachable, run in this process instead", job_id)
    _thread_runner(app).put(job_id)


def rq_queue(app: Flask):
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE, connection=Redis.from_url(app.config["JOBS_REDIS_URL"], socket_timeout=5))


def stale(job: Job, now: dt.datetime, seconds: float) -> bool:
    """Whether the job was left by its runner: running without a heartbeat, or never picked up."""
    cutoff = now - dt.timedelta(seconds=seconds)
    if job.state == "running":
        return (job.heartbeat_at or job.started_at or job.created_at) < cutoff
    return job.state == "queued" and job.created_at < cutoff


def retry(session: Session, job: Job) -> bool:
    """Queue a failed or stale job again (committed) and hand it to the runner; False when it is
    running or done, or another request retried it first."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    cutoff = local_now() - dt.timedelta(seconds=app.config["JOB_STALE_SECONDS"])
    result: CursorResult = session.execute(  # type: ignore[assignment]
        update(Job)
        .where(
            Job.id == job.id,
            or_(
                Job.state == "failed",
                and_(Job.state == "running", Job.heartbeat_at < cutoff),
                and_(Job.state == "queued", Job.created_at < cutoff),
            ),
        )
        .values(state="queued", error=None, result=None, stage=None, done=0, total=None, created_at=local_now())
    )
    session.commit()
    if result.rowcount != 1:
        return False
    dispatch(app, job.id)
    return True


def perform(job_id: int, app: Flask | None = None) -> None:
    """Run the job if no other runner has it: what RQ calls, and the threads."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    with app.app_context():
        session: Session = app.extensions["sessionmaker"]()
        try:
            if not _claim(session, job_id):
                return
            job = session.get(Job, job_id)
            assert job is not None
            ticker = _Ticker(app, job_id)
            try:
                with ticker, progress.listening(ticker.note):
                    result = KINDS[job.kind](app, session, job)
            except JobFailed as exc:
                session.rollback()
                _finish(session, job_id, "failed", error=str(exc))
            except Exception as exc:  # noqa: BLE001 - the job fails visibly and can be run again
                session.rollback()
                log.exception("job %s (%s) failed", job_id, job.kind)
                _finish(session, job_id, "failed", error=f"{type(exc).__name__}: {exc}"[:2000])
            else:
                if session.get(Job, job_id).state == "running":  # type: ignore[union-attr]
                    _finish(session, job_id, "done", result=result)
        finally:
            session.close()


def _claim(session: Session, job_id: int) -> bool:
    now = local_now()
    result: CursorResult = session.execute(  # type: ignore[assignment]
        update(Job)
        .where(Job.id == job_id, Job.state == "queued")
        .values(state="running", started_at=now, heartbeat_at=now, attempts=Job.attempts + 1)
    )
    session.commit()
    return result.rowcount == 1


def finish_in(session: Session, job_id: int, result: dict) -> None:
    """Mark the job done inside the caller's transaction: an import's write and its job's end are
    committed together, so a runner dying between them cannot leave it to be applied twice."""
    session.execute(update(Job).where(Job.id == job_id).values(_ended("done", result, None)))


def _finish(session: Session, job_id: int, state: str, result: dict | None = None, error: str | None = None) -> None:
    from app.db import commit_patiently

    seconds = float(current_app.config["SQLITE_BUSY_SECONDS"]) * 4
    commit_patiently(
        session,
        lambda: session.execute(update(Job).where(Job.id == job_id).values(_ended(state, result, error))),
        seconds,
    )


def _ended(state: str, result: dict | None, error: str | None) -> dict:
    now = local_now()
    return {"state": state, "result": result, "error": error, "finished_at": now, "heartbeat_at": now}


class _Ticker:
    """Keeps the latest progress an import tells (in memory, cheap) and writes it with a heartbeat
    every TICK seconds on a connection of its own. On SQLite an import's write holds the lock: the
    ticker then waits a moment at most and tries again at the next tick."""

    def __init__(self, app: Flask, job_id: int):
        self.engine = app.extensions["engine"]
        self.busy_ms = int(float(app.config["SQLITE_BUSY_SECONDS"]) * 1000)
        self.job_id = job_id
        self.latest: tuple[str, int, int | None] | None = None
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"job-{job_id}", daemon=True)

    def note(self, stage: str, done: int, total: int | None) -> None:
        self.latest = (stage, done, total)

    def __enter__(self) -> _Ticker:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join()

    def _run(self) -> None:
        while not self.stopped.wait(TICK):
            self.write()

    def write(self) -> None:
        values: dict = {"heartbeat_at": local_now()}
        if self.latest is not None:
            values["stage"], values["done"], values["total"] = self.latest
        sqlite = self.engine.dialect.name == "sqlite"
        try:
            with self.engine.connect() as connection:
                if sqlite:
                    connection.exec_driver_sql("PRAGMA busy_timeout=100")
                try:
                    connection.execute(update(Job).where(Job.id == self.job_id, Job.state == "running").values(values))
                    connection.commit()
                finally:
                    if sqlite:
                        connection.exec_driver_sql(f"PRAGMA busy_timeout={self.busy_ms}")
        except OperationalError:
            pass  # the database is busy or away for a moment: the next tick tells


class _ThreadRunner:
    """Runs this process's jobs one after another in a thread of its own."""

    def __init__(self, app: Flask):
        self.app = app
        self.queue: queue.Queue[int] = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="jobs", daemon=True)
        self.thread.start()

    def put(self, job_id: int) -> None:
        self.queue.put(job_id)

    def _run(self) -> None:
        while True:
            job_id = self.queue.get()
            try:
                perform(job_id, self.app)
            except Exception:  # noqa: BLE001 - the database away while claiming: the job stays queued
                log.exception("job %s could not be run", job_id)
            finally:
                self.queue.task_done()


_runner_lock = threading.Lock()


def _thread_runner(app: Flask) -> _ThreadRunner:
    with _runner_lock:
        if "jobs" not in app.extensions:
            app.extensions["jobs"] = _ThreadRunner(app)
        return app.extensions["jobs"]


def wait(app: Flask) -> None:
    """Return once this process's thread runner has run every job handed to it (tests, the CLI)."""
    runner = app.extensions.get("jobs")
    if runner is not None:
        runner.queue.join()


def recent(session: Session, account: Account, limit: int = 10) -> list[Job]:
    """The account's latest jobs, the newest first."""
    return list(
        session.scalars(
            select(Job).where(Job.account_id == account.id).order_by(Job.created_at.desc(), Job.id.desc()).limit(limit)
        )
    )


# The imports: a preview (the very import, rolled back) and its application, of a kept upload.


def report_dict(report: ImportReport) -> dict:
    """An import's report as a job keeps it: the counts, and the first rejected rows."""
    data = dataclasses.asdict(report)
    data["rejected_count"] = len(report.rejected)
    data["rejected"] = data["rejected"][:KEPT_REJECTIONS]
    data["warnings"] = data["warnings"][:200]
    data["summary"] = report.summary()
    return data


def _kept(app: Flask, job: Job):
    from app.admin import imports as uploads

    params = job.params
    kept = uploads.kept_upload(app.config["UPLOAD_DIR"], params["token"], params["kind"], job.account_id or -1)
    if kept is None:
        raise JobFailed("Tệp tải lên không còn (đã nhập, hoặc quá một ngày chưa xác nhận). Hãy tải tệp lên lại.")
    return kept


@kind("import.preview")
def _preview(app: Flask, session: Session, job: Job) -> dict:
    from app.admin import imports as uploads
    from app.imports import importers

    path, _filename = _kept(app, job)
    try:
        report = uploads.preview(app.extensions["engine"], importers()[job.params["kind"]], path.read_bytes())
    except ImportRejected as exc:
        return {"refused": str(exc)}
    return report_dict(report)


@kind("import.apply")
def _apply(app: Flask, session: Session, job: Job) -> dict:
    from app.admin import imports as uploads
    from app.imports import run

    path, filename = _kept(app, job)
    account = session.get(Account, job.account_id) if job.account_id else None
    if account is None or not account.active:
        raise JobFailed("Tài khoản đã gửi tệp không còn hoạt động.")
    params = job.params
    try:
        report = run(
            session, account, params["kind"], path.read_bytes(), source=filename, skip_invalid=params["skip_invalid"]
        )
    except ImportRejected as exc:
        session.rollback()
        return {"refused": str(exc)}
    result = report_dict(report)
    if not report.applied:
        session.rollback()
        return result
    finish_in(session, job.id, result)
    session.commit()  # the search index follows a catalogue change once it is committed
    with contextlib.suppress(OSError):
        uploads.discard(path)
    return result
