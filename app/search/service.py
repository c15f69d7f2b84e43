"""The search index of one app as a service object: ask it, keep it in step with the database.

The app keeps one in `app.extensions["search"]`, with its open engine and its rebuild in progress:
two apps in one process (two workers, in tests) each keep their own. Services that change the
catalogue only mark their session (`catalogue_changed`); once that session commits, the index is
brought in step, so the command line, the back office and the demo loader all leave the index as
the database says. `NullSearch` stands in where no index is wanted (`SEARCH_BACKEND=null`).
"""

from __future__ import annotations

import logging
import os
import re
import threading

from sqlalchemy import Engine as SAEngine
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from app import versioning
from app.models import Case, Procedure
from app.search import Budget, SearchResult, index, rank
from app.search.engine import Engine
from app.search.index import IndexUnavailable
from app.search.query import MAX_SHARE
from app.text import fold

log = logging.getLogger(__name__)
_CHANGED = "search.catalogue_changed"
_SERVICE = "search.service"
_WORD = re.compile(r"[^\W_]+")
BACKENDS = ("whoosh", "null")


def catalogue_changed(session: Session) -> None:
    """Note that this transaction changed procedures or agencies: the index follows its commit."""
    session.info[_CHANGED] = True


def from_config(config, session_factory: sessionmaker) -> SearchService | NullSearch:
    """The search service `SEARCH_BACKEND` names: the Whoosh index under `SEARCH_INDEX_DIR`, or none."""
    backend = config.get("SEARCH_BACKEND") or "whoosh"
    if backend == "null":
        return NullSearch()
    if backend == "whoosh":
        return SearchService(
            config["SEARCH_INDEX_DIR"],
            session_factory,
            config.get("SEARCH_OWN_VARIANT") or None,
            float(config.get("SEARCH_BUDGET_MS", 0)) / 1000,
        )
    raise ValueError(f"SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")


class SearchService:
    """The index under `directory`, read and written with sessions from `session_factory`."""

    def __init__(
        self, directory: str, session_factory: sessionmaker, own_variant: str | None = None, budget_seconds: float = 0.0
    ):
        self.directory = directory
        self.own_variant = own_variant
        # The time a search may spend correcting typos (0: no bound), SEARCH_BUDGET_MS.
        self.budget_seconds = budget_seconds
        self.session_factory = session_factory
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._folder: int | None = None  # the inode of the directory the engine opened
        self._rebuilding = False
        # Sessions of this factory know their service. The listeners are on the Session class, not
        # on this factory: an instance listener would keep the factory, its engine and its
        # connections alive for as long as the process runs.
        session_factory.configure(info={_SERVICE: self})
        if not event.contains(Session, "after_commit", _after_commit):
            event.listen(Session, "after_commit", _after_commit)
            event.listen(Session, "after_rollback", _after_rollback)

    def search(
        self, question: str, filters: dict, page: int = 1, per_page: int = 20, language: str | None = None
    ) -> SearchResult:
        """One page of ranked ids with facets; IndexUnavailable when the index is missing or damaged."""
        versioning.note_read(versioning.SEARCH_INDEX)  # a kept page of results lasts until the next sync
        try:
            budget = Budget.of(self.budget_seconds)
            result = rank(self.engine(), question, filters, page, per_page, language, budget)
        except IndexUnavailable as exc:
            log.info("search index unavailable: %s", exc)  # each request while it is rebuilt
            self.forget()  # the caller falls back to plain matching and starts a rebuild
            raise
        if result.fixes:
            with self.session_factory() as session:
                result.suggestion = suggest(session, question, result.fixes)
        return result

    def engine(self) -> Engine:
        """The engine reading the index as it is on disk now, reopened when the index was rewritten."""
        with self._lock:
            if self._engine is not None and self._engine.current() and self._folder == _inode(self.directory):
                return self._engine
            self._close()
            ix = index.open_index(self.directory)
            try:
                engine = Engine(ix, self.own_variant)
            except Exception as exc:  # a damaged segment fails while being read
                ix.close()
                raise IndexUnavailable(f"{self.directory}: {exc!r}") from exc
            try:
                with self.session_factory() as session:
                    engine.set_filed(filed_counts(session))
            except Exception:  # a prior, not the answer: search on without it
                log.exception("case-file counts unavailable for the search")
            self._engine, self._folder = engine, _inode(self.directory)
        threading.Thread(target=_warm, args=(engine,), name="search-warm", daemon=True).start()
        return engine

    def forget(self) -> None:
        """Close the open engine: the next search opens the index again."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._engine is not None:
            self._engine.close()
        self._engine = self._folder = None

    def sync(self, session: Session) -> tuple[int, int]:
        """Index what changed since the index was last written; (written, deleted)."""
        written, deleted = index.sync(session, self.directory)
        if written or deleted:
            self.forget()
            versioning.bump(_engine_of(session), versioning.SEARCH_INDEX)
        return written, deleted

    def reindex(self, session: Session, procs: int = 1, wait: bool = True) -> int:
        """Rebuild the whole index from the database; the number of procedures indexed.

        With `wait=False`, raise index.RebuildBusy rather than wait for another process's rebuild.
        """
        count = index.rebuild(session, self.directory, procs=procs, wait=wait)
        self.forget()
        versioning.bump(_engine_of(session), versioning.SEARCH_INDEX)
        return count

    def rebuild_in_background(self) -> bool:
        """Start rebuilding a missing or damaged index unless this app is already rebuilding it."""
        with self._lock:
            if self._rebuilding:
                return False
            self._rebuilding = True
        threading.Thread(target=self._rebuild, name="search-rebuild", daemon=True).start()
        return True

    def _rebuild(self) -> None:
        session = self.session_factory()
        try:
            try:
                index.open_index(self.directory).close()
                return  # another process has just rebuilt it
            except IndexUnavailable:
                pass
            self.reindex(session, wait=False)
            log.warning("search index rebuilt in %s", self.directory)
        except index.RebuildBusy:
            log.info("search index already being rebuilt by another process")
        except Exception:
            log.exception("search index rebuild failed")
        finally:
            session.close()
            with self._lock:
                self._rebuilding = False

    def follow_commit(self) -> None:
        """Bring the index in step with a commit that changed the catalogue."""
        # The committed session cannot read any more: a session of its own brings the index in step.
        with self.session_factory() as reader:
            try:
                self.sync(reader)
            except Exception:  # what was committed stays; the index is rebuilt from it
                log.exception("search index not in step after a catalogue change; rebuilding")
                self.rebuild_in_background()


def _after_commit(session: Session) -> None:
    service = session.info.get(_SERVICE)
    if session.info.pop(_CHANGED, False) and service is not None:
        service.follow_commit()


def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)


class NullSearch:
    """No index: every search is unavailable, so browsing answers by plain matching; writes do nothing.

    Searching raises IndexUnavailable rather than answering "nothing found": the callers already
    treat a missing index that way, and an empty answer would make pages and the API say that no
    procedure matches when none was looked for.
    """

    directory = None

    def search(
        self, question: str, filters: dict, page: int = 1, per_page: int = 20, language: str | None = None
    ) -> SearchResult:
        """Raise IndexUnavailable: there is no index to ask."""
        raise IndexUnavailable("no search index (SEARCH_BACKEND=null)")

    def engine(self) -> Engine:
        """Raise IndexUnavailable: there is no index to open."""
        raise IndexUnavailable("no search index (SEARCH_BACKEND=null)")

    def forget(self) -> None:
        """Nothing is open."""

    def sync(self, session: Session) -> tuple[int, int]:
        """Nothing to bring in step: (0, 0)."""
        return 0, 0

    def reindex(self, session: Session, procs: int = 1, wait: bool = True) -> int:
        """Nothing indexed: 0."""
        return 0

    def rebuild_in_background(self) -> bool:
        """Nothing to rebuild: False."""
        return False


def filed_counts(session: Session) -> dict[str, int]:
    """The number of case files of each procedure code, for the search's prior."""
    rows = session.execute(
        select(Case.procedure_code, func.count()).where(Case.procedure_code.is_not(None)).group_by(Case.procedure_code)
    )
    return {code: count for code, count in rows if code}


def suggest(session: Session, question: str, fixes: dict[str, str]) -> str:
    """The question as typed with each typo replaced in place by its correction written as the
    procedures write it; codes, punctuation and the other words stay as they were."""

    def replace(found: re.Match) -> str:
        fixed = fixes.get(fold(found.group()))
        return written(session, fixed) if fixed else found.group()

    return _WORD.sub(replace, question)


def written(session: Session, folded: str) -> str:
    """The syllable `folded` as a procedure's name writes it, with its diacritics."""
    name = session.scalar(
        select(Procedure.name).where(Procedure.name_folded.contains(folded, autoescape=True)).limit(1)
    )
    for word in _WORD.findall(name or ""):
        if fold(word) == folded:
            return word.lower()
    return folded


def _engine_of(session: Session) -> SAEngine:
    bind = session.get_bind()
    return bind if isinstance(bind, SAEngine) else bind.engine


def _inode(directory: str) -> int | None:
    # A rebuild swaps in a new directory whose generation number may equal the old one's.
    try:
        return os.stat(directory).st_ino
    except OSError:
        return None


def _warm(engine: Engine) -> None:
    try:
        engine.warm(MAX_SHARE)
    except Exception:  # a closed or replaced index: nothing to warm any more
        log.debug("search warm-up stopped", exc_info=True)
