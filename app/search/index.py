"""The Whoosh index: its schema, opening it, writing to it, and keeping it in step with the database."""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
from collections import Counter
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.system import pack_uint

from app.search.documents import documents, versions

INDEX_NAME = "procedures"
# A full rebuild writes a segment per this many documents: each segment's postings are sorted in
# memory (LIMIT_MB each), where one big segment would spill to disk and merge runs for minutes.
SEGMENT_DOCS = 6000
LIMIT_MB = 768
_words = SpaceSeparatedTokenizer()


class CountedText(TEXT):
    """A TEXT field whose value is already analysed (space-separated tokens): counted in one pass.

    Whoosh's own path makes a Token object per word; documents run to thousands of tokens.
    """

    def index(self, value, **kwargs):
        counts = Counter(value.split())
        return [(word.encode("utf-8"), n, float(n), pack_uint(n)) for word, n in counts.items()]


SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    code=ID(stored=True),
    # Frequencies only, no positions: syllable pairs do the work of phrases, and cost far less.
    name=TEXT(analyzer=_words, phrase=False, spelling=True, stored=True),
    name_pairs=CountedText(analyzer=_words, phrase=False),
    text=CountedText(analyzer=_words, phrase=False),
    text_pairs=CountedText(analyzer=_words, phrase=False),
    field_slug=ID(stored=True),
    agencies=KEYWORD(stored=True),
    levels=KEYWORD(stored=True),
    online=ID(stored=True),
    postal=ID(stored=True),
    audience=ID(stored=True),
    version=STORED(),
)
_lock = threading.Lock()


class IndexUnavailable(RuntimeError):
    """The index is missing or unreadable, or there is none (NullSearch): browse by plain matching."""


class RebuildBusy(RuntimeError):
    """Another process is rebuilding the same index."""


@contextmanager
def _rebuilding(target: Path, wait: bool):
    """One rebuild of an index at a time across processes (gunicorn workers share the directory)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_name(target.name + ".lock"), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise RebuildBusy(str(target)) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def open_index(directory: str):
    """Open the index, or raise IndexUnavailable when it is missing or corrupt.

    Its files are read, never memory-mapped: a mapped file cut short under a running worker (a
    full disk, a careless copy) kills the process with SIGBUS at the first read past its new end,
    where a read gives an error the engine turns into IndexUnavailable (and a rebuild)."""
    storage = FileStorage(directory, supports_mmap=False)
    try:
        if not storage.index_exists(indexname=INDEX_NAME):
            raise IndexUnavailable(directory)
        ix = storage.open_index(indexname=INDEX_NAME)
    except IndexUnavailable:
        raise
    except Exception as exc:  # whoosh raises many kinds for damaged files
        raise IndexUnavailable(f"{directory}: {exc}") from exc
    if set(ix.schema.names()) != set(SCHEMA.names()):
        # Written by an earlier release: rebuilt like a missing one.
        ix.close()
        raise IndexUnavailable(f"{directory}: written with another schema")
    return ix


def rebuild(session: Session, directory: str, procs: int = 1, wait: bool = True) -> int:
    """Build a fresh index beside the old one and swap it in; return the number of documents.

    `procs=2` writes two segments at a time in parallel processes: about twice as fast on this
    machine's two cores, for the command line; the web process rebuilds in one. With `wait=False`
    raise RebuildBusy rather than wait while another process rebuilds.
    """
    target = Path(directory)
    with _lock, _rebuilding(target, wait):
        fresh = target.with_name(target.name + ".new")
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        ix = whoosh_index.create_in(fresh, SCHEMA, indexname=INDEX_NAME)
        count = 0
        stream = documents(session)
        while batch := list(islice(stream, SEGMENT_DOCS)):
            writer = ix.writer(limitmb=LIMIT_MB // procs, procs=procs, multisegment=procs > 1)
            for doc in batch:
                writer.add_document(**doc)
            writer.commit(merge=False)
            count += len(batch)
        old = target.with_name(target.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            os.replace(target, old)
        os.replace(fresh, target)
        shutil.rmtree(old, ignore_errors=True)
        return count


def sync(session: Session, directory: str) -> tuple[int, int]:
    """Bring the index in step with the database: (documents written, documents deleted)."""
    try:
        ix = open_index(directory)
    except IndexUnavailable:
        return rebuild(session, directory), 0
    current = versions(session)
    with ix.searcher() as searcher:
        indexed = {fields["id"]: fields.get("version") for fields in searcher.all_stored_fields()}
    changed = [int(pid) for pid, version in current.items() if indexed.get(pid) != version]
    gone = [pid for pid in indexed if pid not in current]
    if not changed and not gone:
        return 0, 0
    with _lock:
        writer = ix.writer(limitmb=128)
        for pid in gone:
            writer.delete_by_term("id", pid)
        for doc in documents(session, changed):
            writer.update_document(**doc)
        writer.commit()
    return len(changed), len(gone)
