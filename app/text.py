"""Vietnamese text helpers: normalisation, diacritic folding, slugs, cells safe for spreadsheets."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
# The combining diacritics Vietnamese uses; any other non-spacing mark is dropped the slow way.
_MARKS = re.compile("[\u0300-\u036f]")


def nfc(text: str | None) -> str:
    """Return `text` in Unicode NFC with runs of whitespace collapsed."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text)).replace("\xa0", " ")
    return _SPACES.sub(" ", text).strip()


def fold(text: str | None) -> str:
    """Lower-case `text` and strip its diacritics (đ becomes d)."""
    text = nfc(text).lower().replace("đ", "d")
    stripped = _MARKS.sub("", unicodedata.normalize("NFD", text))
    if stripped.isascii():
        return stripped
    return "".join(ch for ch in stripped if ch.isascii() or unicodedata.category(ch) != "Mn")


def slugify(text: str | None) -> str:
    """Return an ASCII slug such as `ho-tich` for `Hộ tịch`."""
    return _NON_SLUG.sub("-", fold(text)).strip("-")


def says_something(text: str | None) -> bool:
    """Tell whether `text` has a character one can see: a letter, digit, punctuation or symbol,
    not only spaces, zero-width characters, controls or lone combining marks."""
    return bool(text) and any(unicodedata.category(c)[0] in "LNPS" for c in str(text))


# A spreadsheet program reads a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value):
    """`value` for a CSV cell: a text a spreadsheet would run as a formula gets a leading
    apostrophe, shown as text; numbers and everything else are written as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# Characters XML 1.0 forbids (C0 controls but tab, newline and return; U+FFFE, U+FFFF): a text that
# came in with one must still make a well-formed feed or workbook.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text):
    """`text` without the characters XML 1.0 forbids; anything not a text as it is."""
    return _NOT_XML.sub("", text) if isinstance(text, str) else text


_ALPHABET = {letter: place for place, letter in enumerate("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")}
# Marks that make another letter of the alphabet (ă â ê ô ơ ư), and the tones in dictionary order.
_FORMING = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê", ("o", "\u0302"): "ô"}
_FORMING |= {("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def collation_key(text: str | None) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Sort key in Vietnamese alphabetical order: a ă â b c d đ e ê …, each letter's own place
    first ("Đắk Hà" after every "D…" and before "E…", not after "T…" as code points put it), the
    tones (none, huyền, hỏi, ngã, sắc, nặng) only between words that are otherwise equal."""
    letters: list[str] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", nfc(text).lower()):
        if unicodedata.combining(ch):
            if letters and (letters[-1], ch) in _FORMING:
                letters[-1] = _FORMING[(letters[-1], ch)]
            elif tones and ch in _TONES:
                tones[-1] = _TONES[ch]
            continue
        letters.append(ch)
        tones.append(0)
    # Letters of the alphabet after spaces, digits and punctuation (in code-point order).
    primary = tuple(
        1000 + _ALPHABET[c] if c in _ALPHABET else ord(c) if ord(c) < 1000 else 2000 + ord(c) for c in letters
    )
    return primary, tuple(tones)


def by_name(items) -> list:
    """Items with a `name` (agencies, fields) in Vietnamese alphabetical order."""
    return sorted(items, key=lambda item: collation_key(item.name))
