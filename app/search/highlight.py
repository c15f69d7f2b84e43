"""Marking the question's words in names and picking a snippet; pure functions over text."""
from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from app.text import fold

_WORD = re.compile(r"\w+", re.UNICODE)
SNIPPET = 180
# Passages longer than this are looked at only in their beginning.
SCAN = 3000


@lru_cache(maxsize=65536)
def _folded(word: str) -> str:
    return fold(word)


def highlight(text: str | None, words: set[str]) -> Markup:
    """`text`, escaped, with every syllable whose folded form is one of `words` in <mark>."""
    if not text:
        return Markup("")
    if not words:
        return escape(text)
    parts, last = [], 0
    for match in _WORD.finditer(text):
        if _folded(match.group()) in words:
            parts.append(escape(text[last:match.start()]))
            parts.append(Markup("<mark>%s</mark>") % match.group())
            last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def _hits(text: str, words: set[str]) -> int:
    return sum(1 for m in _WORD.finditer(text) if _folded(m.group()) in words)


def snippet(texts: list[str], words: set[str], size: int = SNIPPET) -> str | None:
    """The passage among `texts` with the most of `words`, cut to about `size` characters."""
    best, best_hits = None, 0
    for text in texts:
        if not text:
            continue
        text = text[:SCAN]
        hits = _hits(text, words)
        if hits > best_hits:
            best, best_hits = text, hits
    if best is None:
        return None
    first = next((m.start() for m in _WORD.finditer(best) if _folded(m.group()) in words), 0)
    start = max(0, first - size // 3)
    if start:
        start = best.find(" ", start) + 1 or start
    end = min(len(best), start + size)
    if end < len(best):
        end = best.rfind(" ", start, end) if best.rfind(" ", start, end) > start else end
    return ("… " if start else "") + best[start:end].strip() + (" …" if end < len(best) else "")
