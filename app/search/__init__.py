"""Search: a Vietnamese analyzer, a Whoosh index kept in step with the database, and a scorer.

The site asks its app's search service (`app.search.service`: `search`, `sync`, `reindex`),
which keeps the open index. What is left here is pure: answering a question with an open engine.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field

import numpy as np

from app.search import english, priors
from app.search.analyzer import Analysed, analyse, syllables
from app.search.engine import Engine
from app.search.index import IndexUnavailable
from app.search.query import clauses
from app.text import fold

# Results scoring below this share of the best one are not counted as matches.
RELATIVE_FLOOR = 0.2
# A word in at most this many procedures' texts and in no name may be a typo.
RARE = 2
MAX_CORRECTED = 8
# Longer than any Vietnamese syllable ("nghieng" has 7 letters) with a typo or two: such a word is
# English or garbage, and correcting it costs the more the longer it is (under the engine's lock).
MAX_TYPO_LETTERS = 10
# Valid-syllable typos are looked for in questions of at most this many words, and a pair
# replaces an unseen one when the corpus writes it in at least PAIR_EVIDENCE procedures.
MAX_PAIR_CHECKED = 6
PAIR_EVIDENCE = 5
COMMONER = 5
PAIR_RARE_SHARE = 0.01
# The site's own province's variant stands for its national procedure unless another variant scores
# this share higher.
OWN_VARIANT_MARGIN = 0.05


_WORDS = re.compile(r"[^\W_]+")
# A procedure's code typed anywhere in a question ("mã thủ tục 1.001193 là gì"), with a local suffix.
_CODE = re.compile(r"(?<![\w.])\d{1,2}\.\d{4,}(?:[.\-]?[0-9A-Za-z]+)*")


@dataclass
class SearchResult:
    ids: list[int]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    words: set[str] = field(default_factory=set)
    # For a result standing for its national procedure: how many other local variants matched.
    variants: dict[int, int] = field(default_factory=dict)
    fixes: dict[str, str] = field(default_factory=dict)  # folded typo -> folded correction


@dataclass
class Budget:
    """The time one search may spend on what it can do without, the typo correction: once spent,
    the words not yet looked at are searched as typed. Whatever the input, a search then costs its
    scoring (bounded by the analyser's MAX_WORDS) plus at most the budget."""

    deadline: float

    @classmethod
    def of(cls, seconds: float | None) -> Budget:
        return cls(time.perf_counter() + seconds if seconds else math.inf)

    def spent(self) -> bool:
        return time.perf_counter() > self.deadline


def rank(
    engine: Engine,
    question: str,
    filters: dict[str, str | None],
    page: int = 1,
    per_page: int = 20,
    language: str | None = None,
    budget: Budget | None = None,
) -> SearchResult:
    """Procedures answering `question` in rank order, one page of ids, with counts and a suggestion.
    `language` is the site's ("en" makes an English reading of the question likelier); `budget`
    bounds the time spent correcting typos.

    Raises IndexUnavailable when the engine's files cannot be read.
    """
    in_english = english.is_english(question, language, engine.document_frequency)
    asked = english.translate(question) if in_english else question
    analysed = analyse(asked, engine.document_frequency)
    fixes, corrected = ({}, analysed) if in_english else corrections(engine, analysed, typed_plain(question), budget)
    if fixes:
        # Read again as corrected, so that the synonyms of the corrected words apply too; those of
        # the words as typed stay ("nhập hộ khẩu" means what it means whatever a typo became).
        again = analyse(" ".join(fixes.get(w, w) for w in syllables(asked)), engine.document_frequency)
        for part in ("expansions", "expansion_pairs"):
            known = set(getattr(again, part)) | set(again.terms) | set(again.pairs)
            getattr(again, part).extend(w for w in getattr(analysed, part) if w not in known)
        corrected = again
    weighted = clauses(corrected, engine.document_frequency, engine.live_count)
    scores = engine.score(weighted) if weighted else np.zeros(engine.n, dtype=np.float32)
    scores *= priors.weights(engine, analysed.organisation)
    named = codes_in(engine, question)
    top = float(scores.max()) if engine.n else 0.0
    for place, n in enumerate(named):
        # A procedure's own code puts it first, the first code typed before the next.
        scores[n] = top * 2 + len(named) - place
    allowed = engine.mask(filters)
    scores[~allowed] = 0
    best = float(scores.max()) if engine.n else 0.0
    matched = scores >= max(best * RELATIVE_FLOOR, 1e-6) if best > 0 else np.zeros(engine.n, dtype=bool)
    order = np.flatnonzero(matched)
    order = order[np.lexsort((order, -scores[order]))]
    variants: dict[int, int] = {}
    if not named:
        # At national scale one national procedure has a local variant per province: it counts once.
        order, counts = variant_groups(engine, order, scores)
        variants = {int(engine.ids[n]): c - 1 for n, c in zip(order, counts) if c > 1}
    total = len(order)
    start = (page - 1) * per_page
    ids = [int(engine.ids[i]) for i in order[start : start + per_page]]
    words = set(corrected.terms) | set(corrected.expansions)
    suggestion = " ".join(fixes.get(t, t) for t in analysed.terms) if fixes else None
    shown = {i: variants[i] for i in ids if i in variants}
    # Counted as the results are: a national procedure's variants once.
    counted = np.zeros(engine.n, dtype=bool)
    counted[order] = True
    return SearchResult(ids, total, engine.facets(counted), suggestion, words, shown, fixes)


def typed_plain(question: str) -> set[str]:
    """The words of `question` typed without diacritics (folded as typed)."""
    return {word for word in _WORDS.findall(question.lower()) if word == fold(word)}


def codes_in(engine: Engine, question: str) -> list[int]:
    """The documents whose code the question holds, in the order typed; a national code typed
    alone or in a sentence also names its local variants, after it."""
    found: list[int] = []
    for code in _CODE.findall(question):
        code = code.rstrip(".-")
        exact = engine.by_code.get(code)
        if exact is None:  # a suffix typed in lower case ("1.001193.h34")
            code = code.upper()
            exact = engine.by_code.get(code)
        if exact is not None and exact not in found:
            found.append(exact)
        for n in engine.variants_of(code):
            if n not in found:
                found.append(n)
    return found


def variant_groups(engine: Engine, order: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`order` with one document per national procedure, and how many of the group matched.

    The document shown is the group's best, unless the site's own province has a variant within
    OWN_VARIANT_MARGIN of it (a question naming another province scores that province's higher)."""
    if not len(order):
        return order, np.zeros(0, dtype=np.int64)
    groups = engine.groups[order]
    _unique, first, counts = np.unique(groups, return_index=True, return_counts=True)
    keep = np.sort(first)
    counts_by_first = dict(zip(first.tolist(), counts.tolist()))
    shown = order[keep].copy()
    if engine.own is not None:
        own_in = {int(engine.groups[n]): n for n in order[engine.own[order]]}
        for place, n in enumerate(shown):
            mine = own_in.get(int(engine.groups[n]))
            if mine is not None and scores[mine] >= scores[n] * (1 - OWN_VARIANT_MARGIN):
                shown[place] = mine
    return shown, np.array([counts_by_first[k] for k in keep.tolist()], dtype=np.int64)


def pair_corrections(
    scorer: Engine,
    analysed: Analysed,
    fixes: dict[str, str],
    plain: set[str] | None = None,
    budget: Budget | None = None,
) -> dict[str, str]:
    """Typos that make a valid syllable ("nap khau" for "nhập khẩu"): a word typed without
    diacritics (`plain`; None when all were), in at most PAIR_RARE_SHARE of the procedures, that
    the corpus never writes beside either of its neighbours, where one letter changed gives a far
    commoner word (COMMONER times) that it writes beside a neighbour in at least PAIR_EVIDENCE
    procedures. Everyday words ("xin giấy") stay as typed: too common, or no commoner twin."""
    neighbours: dict[str, list[tuple[str, str]]] = {}
    terms = set(analysed.terms)
    for pair in analysed.pairs:
        a, b = pair.split("_", 1)
        # An unseen pair with a word the corpus does not know at all says nothing of the other one.
        if (
            a in terms
            and b in terms
            and a != b
            and scorer.document_frequency("text", a)
            and scorer.document_frequency("text", b)
        ):
            neighbours.setdefault(a, []).append((pair, b + "<"))  # b follows a
            neighbours.setdefault(b, []).append((pair, a + ">"))  # a precedes b
    found: dict[str, str] = {}
    for word, around in neighbours.items():
        if budget is not None and budget.spent():
            break
        if word in fixes or (plain is not None and word not in plain) or not 2 <= len(word) <= MAX_TYPO_LETTERS:
            continue
        if any(scorer.document_frequency("text_pairs", pair) for pair, _other in around):
            continue
        seen = scorer.document_frequency("text", word)
        if seen > PAIR_RARE_SHARE * scorer.live_count:
            continue  # a word this many procedures use is meant ("xin" in "xin giấy phép")

        def evidence(candidate: str, around=around) -> int:
            return max(
                scorer.document_frequency(
                    "text_pairs", f"{candidate}_{other[:-1]}" if other.endswith("<") else f"{other[:-1]}_{candidate}"
                )
                for _pair, other in around
            )

        candidates = [c for c in scorer.suggest(word, maxdist=1) if c != word]
        candidates = [c for c in candidates if scorer.document_frequency("text", c) >= COMMONER * max(seen, 1)]
        best = max(candidates, key=evidence, default=None)
        if best and evidence(best) >= PAIR_EVIDENCE:
            found[word] = best
    return found


def corrections(
    scorer: Engine, analysed: Analysed, plain: set[str] | None = None, budget: Budget | None = None
) -> tuple[dict[str, str], Analysed]:
    """Read words that are absent or nearly so as typos: the fixes (folded word -> folded word) and
    the corrected question.

    The corpus has typos of its own ("khia"), so a word seen in a couple of procedures' texts but
    in no name is still a candidate when a much more common word is one letter away.
    """
    fixes = {}
    terms = analysed.terms
    if len(terms) > MAX_CORRECTED:
        # A long question has words enough without its typos, and correcting is costly.
        return {}, analysed
    for index, word in enumerate(terms):
        if budget is not None and budget.spent():
            break
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
    if len(terms) <= MAX_PAIR_CHECKED:
        fixes.update(pair_corrections(scorer, analysed, fixes, plain, budget))
    if not fixes:
        return {}, analysed
    terms = [fixes.get(w, w) for w in analysed.terms]
    fixed_pairs = []
    for pair in analysed.pairs:
        a, b = pair.split("_", 1)
        fixed_pairs.append(f"{fixes.get(a, a)}_{fixes.get(b, b)}")
    corrected = Analysed(terms, fixed_pairs, analysed.expansions, analysed.expansion_pairs, analysed.organisation)
    return fixes, corrected


__all__ = ["Budget", "IndexUnavailable", "SearchResult", "codes_in", "corrections", "rank", "variant_groups"]
