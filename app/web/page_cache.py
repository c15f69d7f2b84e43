"""Rendered public pages kept and served again while still true: in each process's memory, and
on disk for all the workers of a node (PAGE_CACHE_DIR), so that a page is rendered once per node.

A page is kept under its full address (host, language prefix and query) and the htmx headers
it varies by, with the write counters (app/versioning.py) of every table its rendering read, and
of the search index when it asked the index. It is served again only while none of those
counters has moved (one small query per request, so a write committed by any worker or node is
seen at once) and for at most PAGE_CACHE_SECONDS, which bounds what depends on the clock (today's
date, the recent period). Only what the caching rules call public is kept: a page holding a CSRF
token, setting a cookie or showing a flash message never is.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import diskcache
from flask import Flask, Response, current_app, g, request, session

from app import versioning
from app.db import get_session

log = logging.getLogger(__name__)
MB = 1024 * 1024
# The request headers a public page may vary by (besides its address); see routes/_render.py.
VARY = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request")
_VARY = {name.lower() for name in VARY}
_NOT_KEPT = {"content-length", "date", "set-cookie"}


@dataclass(frozen=True)
class Entry:
    status: int
    headers: tuple
    body: bytes
    reads: tuple  # (table, counter) pairs as they were before rendering
    expires: float

    def fresh(self, versions: dict[str, int], now: float) -> bool:
        return now < self.expires and all(versions.get(table, 0) == count for table, count in self.reads)


class SharedPages:
    """The node's pages on disk, shared by its workers: diskcache (SQLite and files, safe across
    processes), bounded in bytes. Entries are stored as bytes (a JSON head, then the body), never
    pickled. A failing disk only means a miss."""

    def __init__(self, directory: str, max_bytes: int):
        self._cache = diskcache.Cache(directory, size_limit=max_bytes, eviction_policy="least-recently-stored")

    @staticmethod
    def _digest(key: tuple) -> str:
        return hashlib.sha256("\0".join(key).encode()).hexdigest()

    def get(self, key: tuple) -> Entry | None:
        try:
            value, expires_at = self._cache.get(self._digest(key), expire_time=True)
            if value is None or expires_at is None:
                return None
            head, _, body = value.partition(b"\n")
            meta = json.loads(head)
            return Entry(
                meta["status"],
                tuple(map(tuple, meta["headers"])),
                body,
                tuple(map(tuple, meta["reads"])),
                time.monotonic() + expires_at - time.time(),
            )
        except Exception:  # a damaged or vanished cache directory: render instead
            log.warning("page cache on disk unreadable", exc_info=True)
            return None

    def put(self, key: tuple, entry: Entry) -> None:
        head = json.dumps({"status": entry.status, "headers": entry.headers, "reads": entry.reads}).encode()
        try:
            self._cache.set(
                self._digest(key), head + b"\n" + entry.body, expire=max(entry.expires - time.monotonic(), 0.001)
            )
        except Exception:
            log.warning("page cache on disk not writable", exc_info=True)


class PageCache:
    """A least-recently-used map of pages in this process, bounded in bytes and safe across threads,
    in front of the node's `shared` pages when there are any."""

    def __init__(self, max_bytes: int, seconds: float, shared: SharedPages | None = None):
        self.max_bytes, self.seconds, self.shared = max_bytes, seconds, shared
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple, versions: dict[str, int]) -> Entry | None:
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                if entry.fresh(versions, now):
                    self._entries.move_to_end(key)
                    return entry
                self._drop(key)
        entry = self.shared.get(key) if self.shared else None
        if entry is None or not entry.fresh(versions, now):
            return None
        self._keep(key, entry)
        return entry

    def put(self, key: tuple, entry: Entry) -> None:
        if len(entry.body) > self.max_bytes // 8:
            return
        self._keep(key, entry)
        if self.shared:
            self.shared.put(key, entry)

    def _keep(self, key: tuple, entry: Entry) -> None:
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = entry
            self._size += len(entry.body)
            while self._size > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: tuple) -> None:
        self._size -= len(self._entries.pop(key).body)

    def __len__(self) -> int:
        return len(self._entries)


def skip() -> None:
    """Do not keep this request's page (say, search answered without its index)."""
    g.page_cache_skip = True


# The query parameters the public pages read: an address with any other is served, never kept, so
# that junk variants (`?x=1`, `?x=2`, ...) cannot fill the cache.
PARAMETERS = frozenset(
    [
        "agency",
        "case",
        "code",
        "compare",
        "day",
        "dir",
        "field",
        "from",
        "kind",
        "lang",
        "level",
        "month",
        "officer",
        "online",
        "overdue",
        "page",
        "parent",
        "per_page",
        "postal",
        "procedure",
        "procedure_q",
        "q",
        "sort",
        "status",
        "t",
        "to",
        "verified",
        "view",
    ]
)


def _eligible() -> bool:
    return (
        request.method in ("GET", "HEAD")
        and request.endpoint not in (None, "static")
        and not request.path.startswith("/admin")
        and "_flashes" not in session
        and PARAMETERS.issuperset(request.args.keys())
    )


def _key() -> tuple:
    return (current_app.config["DATABASE_URL"], request.url) + tuple(request.headers.get(name, "") for name in VARY)


def init_app(app: Flask) -> None:
    seconds = float(app.config.get("PAGE_CACHE_SECONDS") or 0)
    if seconds <= 0:
        return
    directory = app.config.get("PAGE_CACHE_DIR")
    shared = SharedPages(directory, int(float(app.config["PAGE_CACHE_DISK_MB"]) * MB)) if directory else None
    cache = PageCache(int(float(app.config["PAGE_CACHE_MB"]) * MB), seconds, shared)
    app.extensions["page_cache"] = cache

    @app.before_request
    def _serve_kept():
        if not _eligible():
            return None
        versions = versioning.current(get_session())
        key = _key()
        entry = cache.get(key, versions)
        if entry is not None:
            g.page_cache = "hit"
            return Response(entry.body, entry.status, list(entry.headers))
        g.page_cache = (key, versions, versioning.collect_reads())
        return None

    @app.teardown_request
    def _stop_collecting(_exc):
        versioning.stop_collecting()


def keep(response: Response) -> None:
    """Called by the caching rules once `response` is known to be public, before a 304."""
    state = g.get("page_cache")
    if state is None or g.get("page_cache_skip"):
        return
    if state == "hit":
        response.headers["X-Page-Cache"] = "hit"
        return
    response.headers["X-Page-Cache"] = "miss"
    if response.is_streamed or response.direct_passthrough or not {h.lower() for h in response.vary} <= _VARY:
        return
    cache: PageCache = current_app.extensions["page_cache"]
    key, versions, reads = state
    headers = tuple((name, value) for name, value in response.headers if name.lower() not in _NOT_KEPT)
    always = {versioning.EVERYTHING, versioning.DATABASE}
    counters = tuple((table, versions.get(table, 0)) for table in sorted(reads | always))
    cache.put(
        key, Entry(response.status_code, headers, response.get_data(), counters, time.monotonic() + cache.seconds)
    )
