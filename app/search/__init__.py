"""Search: a Vietnamese analyzer, a Whoosh index kept in step with the database, and a scorer.

The site asks its app's search service (`app.search.service`: `search`, `sync`, `reindex`),
which keeps the open index. What is left here is pure: answering a question with an open engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app.search.analyzer import Analysed, analyse
from app.search.engine import Engine
from app.search.index import IndexUnavailable
from app.search.query import clauses

# Results scoring below this share of the best one are not counted as matches.
RELATIVE_FLOOR = 0.2
# A word in at most this many procedures' texts and in no name may be a typo.
RARE = 2
MAX_CORRECTED = 8
# Longer than any Vietnamese syllable ("nghieng" has 7 letters) with a typo or two: such a word is
# English or garbage, and correcting it costs the more the longer it is (under the engine's lock).
MAX_TYPO_LETTERS = 10


@dataclass
class SearchResult:
    ids: list[int]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    words: set[str] = field(default_factory=set)


def rank(
    engine: Engine, question: str, filters: dict[str, str | None], page: int = 1, per_page: int = 20
) -> SearchResult:
    """Procedures answering `question` in rank order, one page of ids, with counts and a suggestion.

    Raises IndexUnavailable when the engine's files cannot be read.
    """
    analysed = analyse(question)
    suggestion, corrected = corrections(engine, analysed)
    weighted = clauses(corrected, engine.document_frequency, engine.live_count)
    scores = engine.score(weighted) if weighted else np.zeros(engine.n, dtype=np.float32)
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
    ids = [int(engine.ids[i]) for i in order[start : start + per_page]]
    words = set(corrected.terms) | set(corrected.expansions)
    return SearchResult(ids, total, engine.facets(matched), suggestion, words)


def corrections(scorer: Engine, analysed: Analysed) -> tuple[str | None, Analysed]:
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
        if not 2 <= len(word) <= MAX_TYPO_LETTERS or scorer.document_frequency("name", word):
            continue
        seen = scorer.document_frequency("text", word)
        if seen > RARE:
            continue
        before = terms[index - 1] if index else None
        after = terms[index + 1] if index + 1 < len(terms) else None

        def fit(candidate: str, before: str | None = before, after: str | None = after) -> tuple[int, int]:
            # Neighbours decide first ("ky khia sinh" wants "khai", not the commoner "khi").
            context = sum(
                scorer.document_frequency("text_pairs", f"{a}_{b}")
                for a, b in ((before, candidate), (candidate, after))
                if a and b
            )
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


__all__ = ["IndexUnavailable", "SearchResult", "corrections", "rank"]
