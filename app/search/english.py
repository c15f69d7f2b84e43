"""Questions asked in English: told apart from Vietnamese typed without diacritics, and put into
the Vietnamese words the procedures use through a bilingual glossary (`data/english.txt`).

The typo corrector is not run on an English question: it would turn "birth" into a Vietnamese
syllable and answer with confident nonsense.
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.search.analyzer import DATA

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
LONGEST = 5


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """English words that say nothing about the procedure (`data/english-stopwords.txt`)."""
    lines = (DATA / "english-stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(word for line in lines if not line.startswith("#") for word in line.split())


# Shares of a question's words that must be English for it to be read as English: on the English
# site, and elsewhere (where Vietnamese typed without diacritics is the likelier reading).
ON_ENGLISH_SITE, ELSEWHERE = 0.4, 0.6


@lru_cache(maxsize=1)
def glossary() -> dict[tuple[str, ...], str]:
    """English phrase (lower-case words) -> the Vietnamese words it means."""
    table = {}
    for line in (DATA / "english.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        left, right = line.split("=", 1)
        table[tuple(_WORD.findall(left.lower()))] = right.strip()
    return table


@lru_cache(maxsize=1)
def _lexicon() -> frozenset[str]:
    return frozenset(word for phrase in glossary() for word in phrase) | stop_words()


def _singular(word: str) -> str:
    """The glossary's form of `word`: "certificates" is "certificate", "babies" is "baby"."""
    lexicon = _lexicon()
    if word in lexicon:
        return word
    for suffix, replacement in (("ies", "y"), ("es", ""), ("s", ""), ("'s", "")):
        if word.endswith(suffix) and word[: -len(suffix)] + replacement in lexicon:
            return word[: -len(suffix)] + replacement
    return word


def words(question: str) -> list[str]:
    return [_singular(w) for w in _WORD.findall(question.lower())]


def is_english(question: str, language: str | None = None, frequency=None) -> bool:
    """Tell whether `question` reads as English: written without Vietnamese letters, enough of its
    words English ones (fewer on the English site), and at least one English word that is no
    Vietnamese syllable. With `frequency(field, term)`, the corpus decides what a Vietnamese
    syllable is, and such words ("so", "do", "online" in "ho so online") are no evidence either way."""
    if not question.isascii():
        return False
    found = words(question)
    if not found:
        return False
    lexicon = _lexicon()

    def vietnamese(word: str) -> bool:
        return frequency is not None and frequency("text", word) > 0

    english = [w for w in found if w in lexicon and not vietnamese(w)]
    if not any(w not in stop_words() for w in english) and not (english and len(found) == len(english)):
        return False
    counted = [w for w in found if not (w in lexicon and vietnamese(w))]
    share = len(english) / len(counted) if counted else 0.0
    return share >= (ON_ENGLISH_SITE if language == "en" else ELSEWHERE)


def translate(question: str) -> str:
    """The Vietnamese words of an English question: each glossary phrase, longest first; words
    not in the glossary kept as they are (a name, a code), function words dropped."""
    table = glossary()
    found = words(question)
    result: list[str] = []
    i = 0
    while i < len(found):
        for size in range(min(LONGEST, len(found) - i), 0, -1):
            meaning = table.get(tuple(found[i : i + size]))
            if meaning:
                result.append(meaning)
                i += size
                break
        else:
            if found[i] not in stop_words():
                result.append(found[i])
            i += 1
    return " ".join(result)
