"""Publishing a month (SPEC §3): the time to recompute and publish 2022-08 for the demo and for a
demo ten times as large made by the same generator, on SQLite and, when `DATABASE_URL` names a
PostgreSQL server (as for the tests), on PostgreSQL too.

The files are written straight into the tables, mapped as the importers map them: the figure is
the publishing, not the import (`benchmarks.late` times `seed-demo` through the importers).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from functools import partial

from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.orm import Session

from app import create_app, imports
from app.audit import Actor
from app.cli import SEED
from app.db import get_session, upgrade
from app.imports.bulk import insert_many
from app.imports.values import parse_moment
from app.late.rules import Month
from app.late.store import processing_times, publish_month
from app.models import Agency, Case, CaseEvent, Officer, Procedure, Step
from benchmarks.common import timed
from seed import late_demo

MONTH = Month(2022, 8)
SCALES = (1, 10)
CHUNK = 50_000


def run() -> None:
    server = os.environ.get("DATABASE_URL", "")
    server = server if server.startswith("postgresql") else ""
    print("== publishing one month (2022-08): the demo and ten times the demo ==")
    if not server:
        print("  PostgreSQL skipped: set DATABASE_URL to a server (postgresql+psycopg://...) to time it too")
    with tempfile.TemporaryDirectory() as tmp:
        for scale in SCALES:
            demo = None
            for engine_name in ("SQLite", "PostgreSQL") if server else ("SQLite",):
                with _database(engine_name, server, tmp) as url:
                    app = create_app(
                        {"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url, "SEARCH_INDEX_DIR": f"{tmp}/ix"}
                    )
                    with app.app_context():
                        session = get_session()
                        _base(session)
                        if demo is None:
                            demo = timed(f"generate the demo x{scale}", partial(_generate, session, scale))
                        timed(f"  write its files ({engine_name})", partial(_write, session, demo))
                        _publish(session, engine_name, scale, len(demo.cases))
                    app.extensions["engine"].dispose()


@contextlib.contextmanager
def _database(engine_name: str, server: str, tmp: str) -> Iterator[str]:
    """A freshly migrated database, dropped afterwards."""
    if engine_name == "SQLite":
        path = f"{tmp}/publish.sqlite3"
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)
        upgrade(f"sqlite:///{path}")
        yield f"sqlite:///{path}"
        os.remove(path)
        return
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = "tthc_bench_publish"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _base(session: Session) -> None:
    """The demo's agencies and procedures, through the importers as `seed-demo` loads them."""
    actor = Actor.command_line()
    for kind, name in (("agencies", "agencies-kontum.csv"), ("procedures", "procedures.jsonl.gz")):
        report = imports.run(session, actor, kind, (SEED / name).read_bytes(), source=name)
        assert report.applied, report.errors
    session.commit()


def _generate(session: Session, scale: int) -> late_demo.Demo:
    agencies = [(code, level) for code, level in session.execute(select(Agency.code, Agency.level))]
    levels = dict(session.execute(select(Procedure.code, Procedure.level_keys)).tuples().all())
    return late_demo.generate(agencies, late_demo.procedure_pools(processing_times(session), levels), scale=scale)


def _moment(value) -> tuple[object, bool]:
    parsed = parse_moment(value)
    return (parsed[0], parsed[1]) if parsed else (None, False)


def _write(session: Session, demo: late_demo.Demo) -> None:
    """The generated rows as the importers would store them, a chunk at a time."""
    agencies = dict(session.execute(select(Agency.code, Agency.id)).tuples().all())
    insert_many(
        session,
        Officer.__table__,
        [
            {"code": o["officer_code"], "name": o["officer_name"], "title": o["officer_title"]}
            | {"agency_id": agencies[o["agency_code"]]}
            for o in demo.officers
        ],
    )
    officers = dict(session.execute(select(Officer.code, Officer.id)).tuples().all())
    for start in range(0, len(demo.cases), CHUNK):
        rows = []
        for case in demo.cases[start : start + CHUNK]:
            due, with_time = _moment(case["due_at"])
            rows.append(
                {
                    "code": case["case_code"],
                    "procedure_code": case["procedure_code"],
                    "agency_id": agencies[case["agency_code"]],
                    "received_at": case["received_at"],
                    "due_at": due,
                    "due_has_time": with_time,
                    "finished_at": case["finished_at"],
                    "status": case["status"] or None,
                    "apology_sent": case["apology_sent"] == "1",
                    "officer_code": case["officer_code"],
                }
            )
        insert_many(session, Case.__table__, rows)
    cases = dict(session.execute(select(Case.code, Case.id)).tuples().all())
    for start in range(0, len(demo.steps), CHUNK):
        rows = []
        for step in demo.steps[start : start + CHUNK]:
            due, with_time = _moment(step["due_at"])
            rows.append(
                {
                    "case_id": cases[step["case_code"]],
                    "step_no": step["step_no"],
                    "officer_id": officers[step["officer_code"]],
                    "agency_id": agencies.get(step["agency_code"]),
                    "started_at": step["started_at"],
                    "due_at": due,
                    "due_has_time": with_time,
                    "finished_at": step["finished_at"],
                }
            )
        insert_many(session, Step.__table__, rows)
    for start in range(0, len(demo.events), CHUNK):
        rows = []
        for event in demo.events[start : start + CHUNK]:
            new_due, with_time = _moment(event["new_due_at"])
            rows.append(
                {
                    "case_id": cases[event["case_code"]],
                    "event": str(event["event"]),
                    "at": event["at"],
                    "reason": event["reason"],
                    "new_due_at": new_due,
                    "new_due_has_time": with_time,
                }
            )
        insert_many(session, CaseEvent.__table__, rows)
    session.commit()


def _publish(session: Session, engine_name: str, scale: int, files: int) -> None:
    start = time.perf_counter()
    result = publish_month(session, MONTH, Actor.command_line())
    session.commit()
    elapsed = time.perf_counter() - start
    counts = result.figures.agencies.values()
    resolved, late = sum(c.resolved for c in counts), sum(c.late for c in counts)
    label = f"  publish {MONTH}, x{scale} ({files:,} files), {engine_name}"
    print(f"{label:<52} {elapsed:8.2f} s   ({resolved:,} resolved, {late:,} late in the month)")


if __name__ == "__main__":
    run()
