"""Search: a Vietnamese analyzer, a Whoosh index kept in step with the database, and a scorer.

The small API the rest of the site uses: `search(...)`, `reindex_all(...)`, `sync(...)`.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy.orm import Session

from app import versioning
from app.search import index as _index
from app.search.analyzer import Analysed, analyse
from app.search.engine import Engine
from app.search.index import IndexUnavailable
from app.search.query import MAX_SHARE, clauses

log = logging.getLogger(__name__)
# Results scoring below this share of the best one are not counted as matches.
RELATIVE_FLOOR = 0.2
# A word in at most this many procedures' texts and in no name may be a typo.
RARE = 2
MAX_CORRECTED = 8
_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()
_rebuilding: set[str] = set()


@dataclass
class SearchResult:
    ids: list[int]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    words: set[str] = field(default_factory=set)


def scorer(directory: str) -> Engine:
    """The scorer for the current generation of the index (reopened when the index changes)."""
    with _engines_lock:
        current = _engines.get(directory)
        if current is not None and current.current():
            return current
        if current is not None:
            current.close()
            del _engines[directory]
        ix = _index.open_index(directory)
        try:
            current = Engine(ix)
        except Exception as exc:  # a damaged segment fails while being read
            raise IndexUnavailable(f"{directory}: {exc}") from exc
        _engines[directory] = current
        threading.Thread(target=_warm, args=(current,), name="search-warm", daemon=True).start()
        return current


def _warm(engine: Engine) -> None:
    try:
        engine.warm(MAX_SHARE)
    except Exception:  # a closed or replaced index: nothing to warm any more
        log.debug("search warm-up stopped", exc_info=True)


def forget(directory: str) -> None:
    """Drop the cached scorer (the index was replaced or deleted)."""
    with _engines_lock:
        current = _engines.pop(directory, None)
        if current is not None:
            current.close()


def search(directory: str, question: str, filters: dict[str, str | None], page: int = 1,
           per_page: int = 20) -> SearchResult:
    """Procedures answering `question` in rank order, one page of ids, with counts and a suggestion.

    Raises IndexUnavailable when the index is missing or damaged.
    """
    versioning.note_read(versioning.SEARCH_INDEX)   # a kept page of results lasts until the next sync
    try:
        engine = scorer(directory)
    except IndexUnavailable:
        forget(directory)
        raise
    analysed = analyse(question)
    try:
        suggestion, corrected = _corrections(engine, analysed)
        weighted = clauses(corrected, engine.document_frequency, engine.live_count)
        scores = engine.score(weighted) if weighted else np.zeros(engine.n, dtype=np.float32)
    except Exception as exc:
        # Files damaged under an open index fail in many ways; the caller falls back and rebuilds.
        log.exception("search index unreadable in %s", directory)
        forget(directory)
        raise IndexUnavailable(str(exc)) from exc
    code = question.strip()
    exact = engine.by_code.get(code)
    if exact is not None and engine.live[exact]:
        # A procedure's own code puts it first.
        scores[exact] = scores.max() * 2 + 1
    allowed = engine.mask(filters)
    scores[~allowed] = 0
    best = float(scores.max()) if engine.n else 0.0
    matched = scores >= max(best * RELATIVE_FLOOR, 1e-6) if best > 0 else np.zeros(engine.n, dtype=bool)
    total = int(matched.sum())
    order = np.flatnonzero(matched)
    order = order[np.lexsort((order, -scores[order]))]
    start = (page - 1) * per_page
    ids = [int(engine.ids[i]) for i in order[start:start + per_page]]
    words = set(corrected.terms) | set(corrected.expansions)
    return SearchResult(ids, total, engine.facets(matched), suggestion, words)


def _corrections(scorer: Engine, analysed: Analysed) -> tuple[str | None, Analysed]:
    """Read words that are absent or nearly so as typos: a "did you mean" and a corrected question.

    The corpus has typos of its own ("khia"), so a word seen in a couple of procedures' texts but
    in no name is still a candidate when a much more common word is one letter away.
    """
    fixes = {}
    terms = analysed.terms
    if len(terms) > MAX_CORRECTED:
        # A long question has words enough without its typos, and correcting is costly.
        return None, analysed
    for index, word in enumerate(terms):
        if len(word) < 2 or scorer.document_frequency("name", word):
            continue
        seen = scorer.document_frequency("text", word)
        if seen > RARE:
            continue
        before = terms[index - 1] if index else None
        after = terms[index + 1] if index + 1 < len(terms) else None

        def fit(candidate: str) -> tuple[int, int]:
            # Neighbours decide first ("ky khia sinh" wants "khai", not the commoner "khi").
            context = sum(scorer.document_frequency("text_pairs", f"{a}_{b}")
                          for a, b in ((before, candidate), (candidate, after)) if a and b)
            return context, scorer.document_frequency("text", candidate)

        candidates = scorer.suggest(word, maxdist=2 if len(word) > 3 else 1)
        best = max(candidates, key=fit, default=None)
        # An unknown word takes any known neighbour; a rare one only a far commoner word.
        if best and scorer.document_frequency("text", best) >= (10 * seen if seen else 1):
            fixes[word] = best
    if not fixes:
        return None, analysed
    terms = [fixes.get(w, w) for w in analysed.terms]
    fixed_pairs = []
    for pair in analysed.pairs:
        a, b = pair.split("_", 1)
        fixed_pairs.append(f"{fixes.get(a, a)}_{fixes.get(b, b)}")
    corrected = Analysed(terms, fixed_pairs, analysed.expansions, analysed.expansion_pairs)
    return " ".join(terms), corrected


def reindex_all(session: Session, directory: str, procs: int = 1, wait: bool = True) -> int:
    """Rebuild the whole index from the database; return the number of procedures indexed."""
    count = _index.rebuild(session, directory, procs=procs, wait=wait)
    forget(directory)
    versioning.bump(session.get_bind(), versioning.SEARCH_INDEX)
    return count


def sync(session: Session, directory: str) -> tuple[int, int]:
    """Write the procedures that changed since the index last saw them; (written, deleted)."""
    written, deleted = _index.sync(session, directory)
    if written or deleted:
        versioning.bump(session.get_bind(), versioning.SEARCH_INDEX)
    return written, deleted


def rebuild_in_background(session_factory, directory: str) -> bool:
    """Start rebuilding a missing or damaged index unless a rebuild is already running."""
    with _engines_lock:
        if directory in _rebuilding:
            return False
        _rebuilding.add(directory)

    def work():
        session = session_factory()
        try:
            try:
                _index.open_index(directory).close()
                return   # another process has just rebuilt it
            except IndexUnavailable:
                pass
            reindex_all(session, directory, wait=False)
            log.warning("search index rebuilt in %s", directory)
        except _index.RebuildBusy:
            log.info("search index already being rebuilt by another process")
        except Exception:
            log.exception("search index rebuild failed")
        finally:
            session.close()
            with _engines_lock:
                _rebuilding.discard(directory)

    threading.Thread(target=work, name="search-rebuild", daemon=True).start()
    return True


__all__ = ["IndexUnavailable", "SearchResult", "reindex_all", "search", "sync"]
