"""Vietnamese text for the search index: NFC, diacritics folded, syllables, syllable pairs,
stop words and the abbreviation and synonym table (both kept as data beside this file)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

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
def synonyms() -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """(what people type, what procedures say) as folded syllable tuples, longest first."""
    table = []
    for line in (DATA / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        left, right = line.split("=", 1)
        table.append((tuple(syllables(left)), tuple(syllables(right))))
    foreign = tuple(syllables("có yếu tố nước ngoài"))
    for line in (DATA / "countries.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            table.append((("nguoi",) + tuple(syllables(line)), foreign))
            table.append((("quoc", "tich") + tuple(syllables(line)), foreign))
    return tuple(sorted(table, key=lambda item: -len(item[0])))


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

    def __bool__(self) -> bool:
        return bool(self.terms or self.expansions)


def analyse(question: str) -> Analysed:
    """Split a question into weighted parts; with or without diacritics the result is the same."""
    marked = _tokens(question)
    tokens = [token for token, _spelled in marked]
    stops = stop_words()
    result = Analysed()
    for left, right in synonyms():
        if _contains(tokens, left):
            result.expansions.extend(t for t in right if t not in result.expansions)
            result.expansion_pairs.extend(p for p in pairs(list(right)) if p not in result.expansion_pairs)
    # A question of stop words only ("thẻ là gì") keeps its words rather than becoming empty.
    kept = [t for t, spelled in marked if spelled or t not in stops] or tokens
    result.terms = list(dict.fromkeys(kept))
    # Pairs keep every neighbour: a stop word that folds onto a real word still pairs with it.
    result.pairs = list(dict.fromkeys(pairs(tokens)))
    result.expansions = [t for t in result.expansions if t not in result.terms]
    result.expansion_pairs = [p for p in result.expansion_pairs if p not in result.pairs]
    return result


def _contains(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(tokens[i : i + size]) == phrase for i in range(len(tokens) - size + 1))
