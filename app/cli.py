"""Command line: `flask --app wsgi import ...`, `seed-demo`, `db upgrade`, ...

Each command is one unit of work: it calls the services, then commits once. The services write
their own audit entries, naming the person at the command line as `cli:<user>`."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app import db, imports, jobs, outbox
from app.admin.codes import AccountRole
from app.audit import Actor
from app.feedback.codes import MARKS
from app.imports import KINDS
from app.imports.errors import ImportRejected, ImportReport
from app.late import status

SEED = Path(__file__).resolve().parent.parent / "seed"
LOCAL_SITE = "http://127.0.0.1:5000"  # make run's address: links when SITE_URL is not set


def _session():
    return db.get_session()


def _search():
    return current_app.extensions["search"]


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _report(report: ImportReport, rejects: str | None) -> None:
    for rejection in report.rejected:
        click.echo(f"row {rejection.row}: {rejection.reason}", err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if rejects:
        report.write_rejects(rejects)
    if report.rejected and not report.applied:
        click.echo("nothing imported: fix the rows above or use --skip-invalid", err=True)
    click.echo(report.summary())


def _import_command(kind: str):
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--rejects", type=click.Path(dir_okay=False), help="Write rejected rows to this CSV.")
    @click.option("--skip-invalid", is_flag=True, help="Import the valid rows, report the rest.")
    def command(file, rejects, skip_invalid):
        session = _session()
        try:
            report = imports.run(
                session,
                Actor.command_line(),
                kind,
                Path(file).read_bytes(),
                source=Path(file).name,
                skip_invalid=skip_invalid,
            )
        except ImportRejected as exc:
            click.echo(f"error: {exc}", err=True)
            click.echo("imported 0, updated 0, rejected 0")
            sys.exit(1)
        if report.applied:
            session.commit()  # the search index follows a catalogue change once it is committed
        _report(report, rejects)
        if not report.applied:
            sys.exit(1)

    command.__doc__ = f"Import {kind} from FILE (JSON, JSON Lines, CSV or XLSX; .gz accepted)."
    return command


import_group = AppGroup("import", help="Import data files.")
for _kind in KINDS:
    import_group.command(_kind)(_import_command(_kind))

db_group = AppGroup("db", help="Database schema.")
search_group = AppGroup("search", help="The search index.")


@search_group.command("reindex")
def search_reindex():
    """Rebuild the search index from the database."""
    import time

    start = time.perf_counter()
    count = _search().reindex(_session(), procs=2)
    click.echo(f"indexed {count} procedures in {time.perf_counter() - start:.1f} s")


@search_group.command("sync")
def search_sync():
    """Index what changed since the index was last written (all of it if there is no index)."""
    written, deleted = _search().sync(_session())
    click.echo(f"index in step: {written} written, {deleted} deleted")


@db_group.command("upgrade")
def db_upgrade():
    """Migrate the database to the latest schema."""
    db.upgrade(current_app.config["DATABASE_URL"])
    click.echo("database is up to date")


@click.command("publish-month")
@with_appcontext
@click.argument("month")
@click.option("--note", help="Public note saying why a published month is corrected.")
def publish_month_command(month, note):
    """Recompute MONTH (YYYY-MM) and make its late tables public."""
    from app.late.rules import Month
    from app.late.store import PublishError, publish_month

    try:
        parsed = Month.parse(month)
    except ValueError:
        _fail(f"tháng không hợp lệ: {month!r} (YYYY-MM)")
    try:
        result = publish_month(_session(), parsed, Actor.command_line(), note=note)
    except PublishError as exc:
        _fail(str(exc))
    _session().commit()
    click.echo(_published_line(result))


def _published_line(result) -> str:
    counts = result.figures.agencies.values()
    resolved, late = sum(c.resolved for c in counts), sum(c.late for c in counts)
    state = f"revision {result.revision}" if result.changed else f"unchanged, revision {result.revision}"
    return (
        f"published {result.month} ({state}): {len(result.figures.agencies)} agencies, "
        f"{resolved} resolved, {late} late, {len(result.figures.officers)} officers"
    )


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Load only the parts that are still empty.")
def seed_demo(if_empty):
    """Load the demo data set: Kon Tum's agencies, procedures, eight months of case files, ratings
    and feedback (one transaction: all of it or nothing)."""
    from sqlalchemy import func, select

    from app.feedback.criteria import in_force
    from app.models import Case, Procedure, Rating
    from seed import feedback_demo

    session, actor = _session(), Actor.command_line()
    loaded = True
    if not (if_empty and session.scalar(select(func.count(Procedure.id)))):
        for kind, name in (("agencies", "agencies-kontum.csv"), ("procedures", "procedures.jsonl.gz")):
            _apply(imports.run(session, actor, kind, (SEED / name).read_bytes(), source=name))
        loaded = False
    if not (if_empty and session.scalar(select(func.count(Case.id)))):
        _seed_late_tables(session, actor)
        loaded = False
    if not (if_empty and session.scalar(select(func.count(Rating.id)))):
        ratings, feedback = feedback_demo.load(session, in_force(current_app.config), actor)
        click.echo(f"demo ratings {ratings}, feedback {feedback}")
        loaded = False
    session.commit()
    if loaded:
        click.echo("demo data already loaded")


def _apply(report: ImportReport) -> None:
    _report(report, None)
    if not report.applied:
        sys.exit(1)


def _seed_late_tables(session, actor: Actor) -> None:
    from sqlalchemy import select

    from app.late.store import processing_times, publish_month
    from app.models import Agency, Procedure
    from seed import late_demo

    agencies = [tuple(row) for row in session.execute(select(Agency.code, Agency.level).order_by(Agency.code))]
    levels = dict(session.execute(select(Procedure.code, Procedure.level_keys)).all())
    demo = late_demo.generate(agencies, late_demo.procedure_pools(processing_times(session), levels))
    for kind in ("officers", "cases", "steps", "events"):
        _apply(imports.run(session, actor, kind, demo.rows(kind), source=f"seed-demo {kind}"))
    for month in late_demo.MONTHS:
        click.echo(_published_line(publish_month(session, month, actor)))


feedback_group = AppGroup("feedback", help="Answer citizens' feedback (the back office does it in the browser too).")


def _feedback(code: str):
    from app.feedback import service

    found = service.find_feedback(_session(), code)
    if found is None:
        _fail(f"no feedback with tracking code {code!r}")
    return found


@feedback_group.command("answer")
@click.argument("code")
@click.option("--answer", "text", required=True, help="The answer the citizen will read.")
@click.option("--by", "by", help="Who answers (an agency or office name, shown with the answer).")
@click.option("--publish", is_flag=True, help="Publish in /feedback (only if the citizen consented).")
def feedback_answer(code, text, by, publish):
    """Answer the feedback CODE; the answer appears on its tracking page."""
    from app.feedback.service import FeedbackError, answer_feedback

    feedback = _feedback(code)
    try:
        answer_feedback(_session(), Actor.command_line(), feedback, text, by=by, publish=publish)
    except FeedbackError as exc:
        _fail(str(exc))
    _session().commit()
    click.echo(f"answered {feedback.tracking_code}" + (" (published)" if publish else ""))


@feedback_group.command("status")
@click.argument("code")
@click.argument("status", type=click.Choice([m.value for m in MARKS]))
@click.option("--note", help="A note shown with the change on the tracking page.")
def feedback_status(code, status, note):
    """Mark the feedback CODE in progress, or declined (spam, abuse)."""
    from app.feedback.service import FeedbackError, set_status

    feedback = _feedback(code)
    try:
        set_status(_session(), Actor.command_line(), feedback, status, note=note)
    except FeedbackError as exc:
        _fail(str(exc))
    _session().commit()
    click.echo(f"{feedback.tracking_code}: {status}")


outbox_group = AppGroup("outbox", help="The mail waiting to be sent (SPEC §6).")


@outbox_group.command("send")
def outbox_send():
    """Send the mail waiting in the outbox, once; what fails waits for the next round."""
    report = outbox.send_waiting(current_app._get_current_object())
    click.echo(report.summary())


@outbox_group.command("work")
@click.option("--once", is_flag=True, help="One round, then stop.")
def outbox_work(once):
    """Send the outbox every OUTBOX_INTERVAL seconds until stopped (the production job worker)."""
    app = current_app._get_current_object()
    while True:
        try:
            report = outbox.send_waiting(app)
            if report.sent or report.retrying or report.failed:
                click.echo(report.summary())
        except Exception as exc:  # noqa: BLE001 - the database away for a moment: next round
            click.echo(f"outbox round failed: {exc}", err=True)
        if once:
            return
        time.sleep(app.config["OUTBOX_INTERVAL"])


jobs_group = AppGroup("jobs", help="Background jobs: the back office's imports (app/jobs.py).")


@jobs_group.command("work")
@click.option("--burst", is_flag=True, help="Run the jobs waiting in the queue, then stop.")
def jobs_work(burst):
    """The production stack's job worker: the RQ worker of JOBS_REDIS_URL's queue, and the mail
    outbox sent every OUTBOX_INTERVAL seconds beside it."""
    from redis import Redis
    from rq import SimpleWorker

    app = current_app._get_current_object()
    if not app.config["JOBS_REDIS_URL"]:
        _fail("JOBS_REDIS_URL is not set: without it, jobs run in the web process")
    if not burst:
        outbox.Worker(app).start()
    connection = Redis.from_url(app.config["JOBS_REDIS_URL"])
    # SimpleWorker runs each job in this process, inside this app's context; a job that kills the
    # process is seen stale on its page and can be run again.
    worker = SimpleWorker([jobs.QUEUE], connection=connection)
    worker.work(burst=burst, logging_level="WARNING")


@click.command("receipt")
@with_appcontext
@click.argument("case_code")
@click.option("--status", "which", flag_value="status", help="Print the file's status link instead.")
def receipt_command(case_code, which):
    """Print a file's receipt link: the rating link carrying its secret token (SITE_URL in front)."""
    session = _session()
    case = status.find_case(session, case_code)
    if case is None or not case.receipt_token:
        _fail(f"không có hồ sơ mã {case_code}")
    link = status.status_link if which == "status" else status.rating_link
    click.echo(link(current_app.config["SITE_URL"] or LOCAL_SITE, case.code, case.receipt_token))


@click.command("create-admin")
@with_appcontext
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--role", type=click.Choice(AccountRole.codes()), default=AccountRole.ADMIN.value, show_default=True)
@click.option("--agency", "agency_code", help="The agency of a responder account.")
def create_admin(email, password_stdin, role, agency_code):
    """Create an Office account (the password is asked for, or read from standard input)."""
    from app.admin.accounts import AccountError, create_account
    from app.models import Agency, by_code

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    session = _session()
    agency = by_code(session, Agency, agency_code)
    if agency_code and agency is None:
        _fail(f"no agency with code {agency_code!r}")
    try:
        account = create_account(session, Actor.command_line(), email, password, role=role, agency=agency)
    except AccountError as exc:
        _fail(str(exc))
    session.commit()
    click.echo(f"created {role} {account.email}")


def init_app(app: Flask) -> None:
    app.cli.add_command(import_group)
    app.cli.add_command(db_group)
    app.cli.add_command(search_group)
    app.cli.add_command(seed_demo)
    app.cli.add_command(publish_month_command)
    app.cli.add_command(feedback_group)
    app.cli.add_command(create_admin)
    app.cli.add_command(receipt_command)
    app.cli.add_command(outbox_group)
    app.cli.add_command(jobs_group)
