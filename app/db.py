"""Engine, sessions and migrations; models and services take a Session and know no Flask."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app import versioning

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


# How long a writer waits for SQLite's write lock (an import may hold it for many seconds): below
# gunicorn's 30-second worker timeout, so that a post waits rather than fails.
BUSY_SECONDS = 25.0


def make_engine(url: str, track_writes: bool = True, busy_seconds: float = BUSY_SECONDS) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout of `busy_seconds`. Its
    committed writes bump the tables' counters (app/versioning.py), except for migrations, which
    run before the counters exist."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    # A server's connections are checked before use: after a database restart the pool holds dead
    # ones, and each would fail a request once the server is back.
    engine = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
            cursor.close()

    if track_writes:
        versioning.track(engine)
    return engine


def init_app(app: Flask) -> None:
    """Bind an engine and a session factory to `app`; close the session after each request."""
    engine = make_engine(app.config["DATABASE_URL"], busy_seconds=float(app.config["SQLITE_BUSY_SECONDS"]))
    app.extensions["engine"] = engine
    app.extensions["sessionmaker"] = sessionmaker(engine, expire_on_commit=False)

    @app.teardown_appcontext
    def _close(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            try:
                session.close()
            except SQLAlchemyError as exc:  # the server went away mid-request: the pool drops it
                current_app.logger.warning("closing a session of a lost connection: %s", exc)


def get_session() -> Session:
    """Return the session of the current app context."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["sessionmaker"]()
    return g.db_session


T = TypeVar("T")


class Busy(RuntimeError):
    """Another writer held the database past the time a request may wait."""


def _locked(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "locked" in text or "busy" in text


def commit_patiently(session: Session, write: Callable[[], T], seconds: float) -> T:
    """Run `write` and commit; while SQLite answers that another writer holds the database (after
    its busy timeout, or at once when this transaction's snapshot went stale), roll back and run
    it again, for at most `seconds`; then raise Busy, nothing written."""
    deadline = time.monotonic() + seconds
    pause = 0.05
    while True:
        try:
            result = write()
            session.commit()
            return result
        except OperationalError as exc:
            session.rollback()
            if not _locked(exc):
                raise
            if time.monotonic() + pause > deadline:
                raise Busy(str(exc.orig)) from exc
        time.sleep(pause)
        pause = min(pause * 2, 1.0)


def alembic_config(url: str):
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at `url` to `revision`."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)
