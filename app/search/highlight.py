"""Marking the question's words in names and picking a snippet; pure functions over text."""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from app.text import fold

SNIPPET = 180
# Passages longer than this are looked at only in their beginning.
SCAN = 3000


@lru_cache(maxsize=1)
def _letters() -> dict[str, str]:
    """Each ASCII letter as a regex class of every Latin letter that folds to it (a: à á ả ã ạ ă ...)."""
    variants: dict[str, set[str]] = {}
    for point in range(0x00C0, 0x1F00):
        letter = chr(point)
        if letter.isalpha() and letter.islower():
            folded = fold(letter)
            if len(folded) == 1 and folded.isascii() and folded != letter:
                variants.setdefault(folded, set()).add(letter)
    return {ascii_: "[" + ascii_ + "".join(sorted(others)) + "]" for ascii_, others in variants.items()}


@lru_cache(maxsize=4096)
def _pattern(words: frozenset[str]) -> re.Pattern:
    """Whole words of a text whose folded form is one of `words`, in any case and with any marks:
    one regex, so that a passage is scanned in C rather than word by word."""
    letters = _letters()
    forms = sorted(("".join(letters.get(ch, re.escape(ch)) for ch in word) for word in words), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(forms) + r")(?!\w)", re.IGNORECASE)


def highlight(text: str | None, words: set[str]) -> Markup:
    """`text`, escaped, with every syllable whose folded form is one of `words` in <mark>."""
    if not text:
        return Markup("")
    if not words:
        return escape(text)
    parts, last = [], 0
    for match in _pattern(frozenset(words)).finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(Markup("<mark>%s</mark>") % match.group())
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def snippet(texts: list[str], words: set[str], size: int = SNIPPET) -> str | None:
    """The passage among `texts` with the most of `words`, cut to about `size` characters."""
    pattern = _pattern(frozenset(words))
    best, best_hits = None, 0
    for text in texts:
        if not text:
            continue
        text = text[:SCAN]
        hits = len(pattern.findall(text))
        if hits > best_hits:
            best, best_hits = text, hits
    if best is None:
        return None
    found = pattern.search(best)
    first = found.start() if found else 0
    start = max(0, first - size // 3)
    if start:
        start = best.find(" ", start) + 1 or start
    end = min(len(best), start + size)
    if end < len(best):
        end = best.rfind(" ", start, end) if best.rfind(" ", start, end) > start else end
    return ("… " if start else "") + best[start:end].strip() + (" …" if end < len(best) else "")
