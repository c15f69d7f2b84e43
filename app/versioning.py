"""Which tables changed, and which tables a request read.

Every transaction committed through the app's engine that inserted, updated or deleted rows
bumps, in the same transaction, a counter per written table in `data_versions`. Because the
counters live in the database, every process sharing it (gunicorn workers, nodes, the CLI) sees
them. While a request collects its reads (`collect_reads`), the tables named by each statement
it runs are noted. The page cache keeps a page with the counters of the tables it read, and
serves it again only while none of them has moved.
"""

from __future__ import annotations

import re
from contextvars import ContextVar

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

WRITTEN = "tthc.written"
TABLE = "data_versions"
# The table an INSERT, UPDATE or DELETE writes (a REPLACE or INSERT OR ... too).
_WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE
)
# Any statement not recognised above that may still change rows.
_MAYBE_WRITE = re.compile(
    r"\s*(?:INSERT|UPDATE|DELETE|REPLACE|MERGE|TRUNCATE|WITH\b.*\b(?:INSERT|UPDATE|DELETE)\b)",
    re.IGNORECASE | re.DOTALL,
)
EVERYTHING = "*"
# The row holding a random number that names the database (set by migration 0005).
DATABASE = "#database"
# Bumped when a search index was rebuilt or synced; read by every page that asked the index.
SEARCH_INDEX = "#search-index"
# The tables read while a page renders, when the page cache collects them (one set per request).
_reads: ContextVar[set[str] | None] = ContextVar("tthc_reads", default=None)


def _bump_sql(paramstyle: str) -> str:
    mark = "?" if paramstyle == "qmark" else "%s"
    return (
        f"INSERT INTO {TABLE} (name, version) VALUES ({mark}, 1) "
        f"ON CONFLICT (name) DO UPDATE SET version = {TABLE}.version + 1"
    )


def _tables_pattern() -> re.Pattern:
    from app.models import Base

    names = sorted((n for n in Base.metadata.tables if n != TABLE), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")


def track(engine: Engine) -> None:
    """Install the write counters and the read collection on `engine`."""
    bump = _bump_sql(engine.dialect.paramstyle)
    tables = _tables_pattern()

    @event.listens_for(engine, "after_cursor_execute")
    def _note(conn, _cursor, statement, _parameters, _context, _executemany):
        written = _WRITE.match(statement)
        if written:
            if written.group(1) != TABLE:
                conn.info.setdefault(WRITTEN, set()).add(written.group(1))
        elif _MAYBE_WRITE.match(statement):
            # A statement we cannot attribute (WITH ... UPDATE, MERGE): assume it changed anything.
            conn.info.setdefault(WRITTEN, set()).add(EVERYTHING)
        else:
            reads = _reads.get()
            if reads is not None:
                reads.update(tables.findall(statement))

    @event.listens_for(engine, "commit")
    def _bump(conn):
        written = conn.info.pop(WRITTEN, None)
        if written:
            # Sorted, so that concurrent transactions lock the counters in one order (PostgreSQL).
            cursor = conn.connection.dbapi_connection.cursor()
            try:
                for name in sorted(written):
                    cursor.execute(bump, (name,))
            finally:
                cursor.close()

    @event.listens_for(engine, "rollback")
    def _forget(conn):
        conn.info.pop(WRITTEN, None)


def bump(engine: Engine, name: str) -> None:
    """Count a change the tables do not show (the search index rewritten), in its own transaction."""
    with engine.begin() as connection:
        connection.exec_driver_sql(_bump_sql(engine.dialect.paramstyle), (name,))


def note_read(name: str) -> None:
    """The page being rendered depends on `name` too (a counter bumped with `bump`)."""
    reads = _reads.get()
    if reads is not None:
        reads.add(name)


def collect_reads() -> set[str]:
    """Start noting the tables read in this context (one request); returns the set that fills up."""
    reads: set[str] = set()
    _reads.set(reads)
    return reads


def stop_collecting() -> None:
    """Stop noting reads (the request has ended)."""
    _reads.set(None)


def current(session: Session) -> dict[str, int]:
    """Every table's counter (a table never written is absent, that is 0)."""
    # Asked on every public request: plain SQL, with nothing to compile.
    return dict(session.connection().exec_driver_sql(f"SELECT name, version FROM {TABLE}").tuples().all())
