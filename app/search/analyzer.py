"""Vietnamese text for the search index: NFC, diacritics folded, syllables, syllable pairs,
stop words and abbreviations (kept as data beside this file); synonyms are `synonyms`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from app.search import synonyms
from app.search.synonyms import Frequency
from app.text import fold

DATA = Path(__file__).resolve().parent / "data"
_SYLLABLE = re.compile(r"[a-z0-9]+")


def syllables(text: str | None) -> list[str]:
    """The folded syllables of `text`: "Đăng ký khai sinh" gives dang, ky, khai, sinh."""
    return _SYLLABLE.findall(fold(text)) if text else []


def pairs(tokens: list[str]) -> list[str]:
    """Adjacent syllable pairs ("khai_sinh"): most Vietnamese words are two syllables."""
    return [f"{a}_{b}" for a, b in zip(tokens, tokens[1:])]


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Folded words dropped from questions (question words, pronouns, particles)."""
    words: set[str] = set()
    for line in (DATA / "stopwords.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(syllables(line))
    return frozenset(words)


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, tuple[str, ...]]:
    """Folded abbreviation -> the syllables it stands for."""
    table = {}
    for line in (DATA / "abbreviations.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        left, right = line.split("=", 1)
        table["".join(syllables(left))] = tuple(syllables(right))
    return table


def index_tokens(text: str | None) -> list[str]:
    """Syllables with abbreviations spelled out, for procedures and questions alike."""
    return [token for token, _spelled in _tokens(text)]


def _tokens(text: str | None) -> list[tuple[str, bool]]:
    """Syllables, each marked True when it comes from spelling out an abbreviation."""
    table = abbreviations()
    tokens: list[tuple[str, bool]] = []
    for token in syllables(text):
        spelled = table.get(token)
        tokens.extend([(t, True) for t in spelled] if spelled else [(token, False)])
    return tokens


@dataclass
class Analysed:
    """A question made ready for the index."""

    terms: list[str] = field(default_factory=list)  # content syllables, in order, once each
    pairs: list[str] = field(default_factory=list)  # adjacent content pairs
    expansions: list[str] = field(default_factory=list)  # syllables the synonym table adds
    expansion_pairs: list[str] = field(default_factory=list)
    organisation: bool = False  # the question names a company, a school, a clinic

    def __bool__(self) -> bool:
        return bool(self.terms or self.expansions)


def analyse(question: str, frequency: Frequency | None = None) -> Analysed:
    """Split a question into weighted parts; with or without diacritics the result is the same
    unless the diacritics tell two words apart. `frequency(field, term)` gives the corpus's
    document frequencies, which decide where a synonym stands as words of its own."""
    marked = synonyms.tokens(question, abbreviations(), stop_words())
    tokens = [t.folded for t in marked]
    stops = stop_words()
    result = Analysed()
    for match in synonyms.matches(marked, frequency):
        right = list(match.entry.right)
        result.expansions.extend(t for t in right if t not in result.expansions)
        result.expansion_pairs.extend(p for p in pairs(right) if p not in result.expansion_pairs)
    # A question of stop words only ("thẻ là gì") keeps its words rather than becoming empty.
    kept = [t.folded for t in marked if t.spelled or t.folded not in stops] or tokens
    result.terms = list(dict.fromkeys(kept))
    # Pairs keep every neighbour: a stop word that folds onto a real word still pairs with it.
    result.pairs = list(dict.fromkeys(pairs(tokens)))
    result.organisation = _for_organisation(tokens)
    result.expansions = [t for t in result.expansions if t not in result.terms]
    result.expansion_pairs = [p for p in result.expansion_pairs if p not in result.pairs]
    return result


@lru_cache(maxsize=1)
def organisation_words() -> tuple[tuple[str, ...], ...]:
    """Folded syllables of each word that marks an organisation's question (`organisations.txt`)."""
    lines = (DATA / "organisations.txt").read_text(encoding="utf-8").splitlines()
    return tuple(tuple(syllables(line)) for line in lines if line.strip() and not line.startswith("#"))


def _for_organisation(tokens: list[str]) -> bool:
    return any(_contains(tokens, word) for word in organisation_words())


def _contains(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(tokens[i : i + size]) == phrase for i in range(len(tokens) - size + 1))
