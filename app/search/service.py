"""The search index of one app as a service object: ask it, keep it in step with the database.

The app keeps one in `app.extensions["search"]`. Services that change the catalogue only mark
their session (`catalogue_changed`); once that session commits, the index is brought in step, so
the command line, the back office and the demo loader all leave the index as the database says.
"""
from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from app import search

log = logging.getLogger(__name__)
_CHANGED = "search.catalogue_changed"
_SERVICE = "search.service"


def catalogue_changed(session: Session) -> None:
    """Note that this transaction changed procedures or agencies: the index follows its commit."""
    session.info[_CHANGED] = True


class SearchService:
    """The index under `directory`, read and written with sessions from `session_factory`."""

    def __init__(self, directory: str, session_factory: sessionmaker):
        self.directory = directory
        self.session_factory = session_factory
        # Sessions of this factory know their service. The listeners are on the Session class, not
        # on this factory: an instance listener would keep the factory, its engine and its
        # connections alive for as long as the process runs.
        session_factory.configure(info={_SERVICE: self})
        if not event.contains(Session, "after_commit", _after_commit):
            event.listen(Session, "after_commit", _after_commit)
            event.listen(Session, "after_rollback", _after_rollback)

    def search(self, question: str, filters: dict, page: int = 1, per_page: int = 20) -> search.SearchResult:
        """One page of ranked ids with facets; IndexUnavailable when the index is missing or damaged."""
        return search.search(self.directory, question, filters, page, per_page)

    def sync(self, session: Session) -> tuple[int, int]:
        """Index what changed since the index was last written; (written, deleted)."""
        result = search.sync(session, self.directory)
        search.forget(self.directory)
        return result

    def reindex(self, session: Session, procs: int = 1, wait: bool = True) -> int:
        """Rebuild the whole index from the database; the number of procedures indexed."""
        return search.reindex_all(session, self.directory, procs=procs, wait=wait)

    def rebuild_in_background(self) -> bool:
        """Start rebuilding a missing or damaged index unless a rebuild is already running."""
        return search.rebuild_in_background(self.session_factory, self.directory)

    def follow_commit(self) -> None:
        """Bring the index in step with a commit that changed the catalogue."""
        # The committed session cannot read any more: a session of its own brings the index in step.
        with self.session_factory() as reader:
            try:
                self.sync(reader)
            except Exception:   # what was committed stays; the index is rebuilt from it
                log.exception("search index not in step after a catalogue change; rebuilding")
                self.rebuild_in_background()


def _after_commit(session: Session) -> None:
    service = session.info.get(_SERVICE)
    if session.info.pop(_CHANGED, False) and service is not None:
        service.follow_commit()


def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)
