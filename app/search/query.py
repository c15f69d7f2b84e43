"""Pure query building: from an analysed question to weighted clauses. No I/O: the document
frequencies come in as a function, so that tests can give their own."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from app.search.analyzer import Analysed
from app.search.engine import Clause

# How much each part of a question counts; the fields' own weights are in the engine.
TERM, PAIR, EXPANSION, EXPANSION_PAIR = 1.0, 0.6, 0.5, 1.5
# Words in more than this share of procedures ("thủ tục", "hồ sơ") say almost nothing.
MAX_SHARE = 0.5
MAX_WORDS = 48
TEXT_FIELDS = ("name", "text")
PAIR_FIELDS = ("name_pairs", "text_pairs")


def informative(words: list[str], frequency: Callable[[str], int], total: int) -> list[str]:
    """The words worth asking for: present, not too common, the rarest first, at most MAX_WORDS."""
    scored = [(frequency(w), i, w) for i, w in enumerate(words)]
    kept = [(df, i, w) for df, i, w in scored if 0 < df <= MAX_SHARE * total]
    kept.sort()
    return [w for _df, _i, w in kept[:MAX_WORDS]]


def clauses(analysed: Analysed, frequency: Callable[[str, str], int], total: int) -> list[Clause]:
    """Every informative syllable and pair of the question, in every field, with its weight."""
    result: list[Clause] = []
    for words, fields, boost in (
        (analysed.terms, TEXT_FIELDS, TERM),
        (analysed.pairs, PAIR_FIELDS, PAIR),
        (analysed.expansions, TEXT_FIELDS, EXPANSION),
        (analysed.expansion_pairs, PAIR_FIELDS, EXPANSION_PAIR),
    ):
        # Frequency in the long text field decides; the name field follows it.
        kept = informative(words, partial(frequency, fields[1]), total)
        result.extend(Clause(field, word, boost) for word in kept for field in fields)
    return result
