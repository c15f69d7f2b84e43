"""Rate-limit counters in a small SQLite file, shared by every process on one machine.

`make serve` runs several gunicorn workers; counters kept in memory would let each worker count on
its own (a limit of 5 a minute accepted 18 posts of 30 behind 4 workers). Without Redis, the workers
share this file instead: `RATELIMIT_STORAGE_URI=sqlite:///instance/ratelimits.sqlite3` (a relative
path) or `sqlite:////var/lib/tthc/ratelimits.sqlite3` (an absolute one), as SQLAlchemy writes them.
The file is separate from the application's database, so that a long import's write lock never
delays a citizen's post here, and in WAL mode, so that readers never wait for a writer. Every
count is one short `BEGIN IMMEDIATE` transaction: parallel requests cannot race past a limit.

It serves both strategies the site uses: fixed windows (Flask-Limiter's default, for the public
forms) and moving windows (the login guard). Several machines still need Redis (`deploy/`).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from contextlib import contextmanager

from limits.storage import MovingWindowSupport, Storage

SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS entries (key TEXT NOT NULL, at REAL NOT NULL, expires_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS entries_key_at ON entries (key, at);
"""
# Expired rows of other keys are swept once in this many writes of a process.
SWEEP_EVERY = 200
BUSY_MS = 5000


def path_of(uri: str) -> str:
    """The file an `sqlite:///relative` or `sqlite:////absolute` URI names."""
    rest = uri.removeprefix("sqlite://")
    if not rest.startswith("/") or rest == "/":
        raise ValueError(f"{uri!r}: expected sqlite:///relative/path or sqlite:////absolute/path")
    return rest[1:]


class SQLiteStorage(Storage, MovingWindowSupport):
    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **_: object):
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.path = path_of(uri or "")
        directory = os.path.dirname(self.path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        self._local = threading.local()
        self._writes = 0
        self._connection().executescript(SCHEMA)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        # One connection per thread and per process: gunicorn forks after the app is made.
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            connection = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    @contextmanager
    def _transaction(self):
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def _written(self, connection: sqlite3.Connection, now: float) -> None:
        self._writes += 1
        if self._writes % SWEEP_EVERY == 0:
            connection.execute("DELETE FROM counters WHERE expires_at <= ?", (now,))
            connection.execute("DELETE FROM entries WHERE expires_at <= ?", (now,))

    # Fixed windows: a counter per key that starts again once it has expired.

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self._transaction() as connection:
            connection.execute("DELETE FROM counters WHERE key = ? AND expires_at <= ?", (key, now))
            (value,) = connection.execute(
                "INSERT INTO counters (key, value, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = value + excluded.value RETURNING value",
                (key, amount, now + expiry),
            ).fetchone()
            self._written(connection, now)
        return int(value)

    def get(self, key: str) -> int:
        row = (
            self._connection()
            .execute("SELECT value FROM counters WHERE key = ? AND expires_at > ?", (key, time.time()))
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        row = (
            self._connection()
            .execute("SELECT expires_at FROM counters WHERE key = ? AND expires_at > ?", (key, now))
            .fetchone()
        )
        return float(row[0]) if row else now

    # Moving windows: one row per accepted hit, counted over the last `expiry` seconds.

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = time.time()
        with self._transaction() as connection:
            connection.execute("DELETE FROM entries WHERE key = ? AND at <= ?", (key, now - expiry))
            (count,) = connection.execute("SELECT count(*) FROM entries WHERE key = ?", (key,)).fetchone()
            if count + amount > limit:
                return False
            connection.executemany(
                "INSERT INTO entries (key, at, expires_at) VALUES (?, ?, ?)", [(key, now, now + expiry)] * amount
            )
            self._written(connection, now)
        return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        oldest, count = (
            self._connection()
            .execute("SELECT min(at), count(*) FROM entries WHERE key = ? AND at > ?", (key, now - expiry))
            .fetchone()
        )
        return (float(oldest), int(count)) if count else (now, 0)

    def clear(self, key: str) -> None:
        with self._transaction() as connection:
            connection.execute("DELETE FROM counters WHERE key = ?", (key,))
            connection.execute("DELETE FROM entries WHERE key = ?", (key,))

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        with self._transaction() as connection:
            (count,) = connection.execute(
                "SELECT (SELECT count(*) FROM counters) + (SELECT count(*) FROM entries)"
            ).fetchone()
            connection.execute("DELETE FROM counters")
            connection.execute("DELETE FROM entries")
        return int(count)
