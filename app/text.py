"""Vietnamese text helpers: normalisation, diacritic folding, slugs."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def nfc(text: str | None) -> str:
    """Return `text` in Unicode NFC with runs of whitespace collapsed."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text)).replace("\xa0", " ")
    return _SPACES.sub(" ", text).strip()


def fold(text: str | None) -> str:
    """Lower-case `text` and strip its diacritics (đ becomes d)."""
    text = nfc(text).lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def slugify(text: str | None) -> str:
    """Return an ASCII slug such as `ho-tich` for `Hộ tịch`."""
    return _NON_SLUG.sub("-", fold(text)).strip("-")
