"""Rate limits shared by the workers of one machine through a SQLite file (`make serve` without
Redis): counted once across processes, atomically, for the public forms and the login guard.
`make load` checks the same through 4 gunicorn workers over HTTP, beside memory's count."""

from __future__ import annotations

import multiprocessing
import time

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from app.web.limit_store import SQLiteStorage, path_of


def test_uris_name_relative_and_absolute_files():
    assert path_of("sqlite:///instance/limits.sqlite3") == "instance/limits.sqlite3"
    assert path_of("sqlite:////var/lib/limits.sqlite3") == "/var/lib/limits.sqlite3"
    with pytest.raises(ValueError, match="sqlite:///"):
        path_of("sqlite://")


def test_fixed_windows_count_expire_and_clear(tmp_path):
    storage = storage_from_string(f"sqlite:///{tmp_path}/limits.sqlite3")
    assert isinstance(storage, SQLiteStorage)
    limiter, item = FixedWindowRateLimiter(storage), parse("3 per second")
    assert [limiter.hit(item, "a") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(item, "b"), "another key has its own count"
    assert storage.get(item.key_for("a")) == 4 and storage.get_expiry(item.key_for("a")) > time.time()
    limiter.clear(item, "a")
    assert limiter.hit(item, "a")
    time.sleep(1.1)
    assert [limiter.hit(item, "b") for _ in range(3)] == [True, True, True], "the window started again"
    assert storage.reset() == 2 and storage.get(item.key_for("b")) == 0


def test_moving_windows_count_the_last_period(tmp_path):
    storage = SQLiteStorage(f"sqlite:///{tmp_path}/limits.sqlite3")
    limiter, item = MovingWindowRateLimiter(storage), parse("2 per 1 second")
    assert [limiter.hit(item, "x") for _ in range(3)] == [True, True, False]
    start, count = storage.get_moving_window(item.key_for("x"), 2, 1)
    assert count == 2 and time.time() - 1 < start <= time.time()
    assert not limiter.hit(item, "x", cost=3), "a cost above the limit is never admitted"
    time.sleep(1.1)
    assert limiter.hit(item, "x")


def _hit_many(uri: str, tries: int, queue) -> None:
    limiter = FixedWindowRateLimiter(storage_from_string(uri))
    moving = MovingWindowRateLimiter(storage_from_string(uri))
    item = parse("5 per minute")
    queue.put(
        (sum(limiter.hit(item, "shared") for _ in range(tries)), sum(moving.hit(item, "login") for _ in range(tries)))
    )


def test_processes_racing_share_one_count(tmp_path):
    # Four workers, ten hits each, at once: the limit of 5 admits exactly 5 in all, in both strategies.
    uri = f"sqlite:///{tmp_path}/limits.sqlite3"
    SQLiteStorage(uri)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_hit_many, args=(uri, 10, queue)) for _ in range(4)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert sum(fixed for fixed, _ in results) == 5
    assert sum(moving for _, moving in results) == 5
