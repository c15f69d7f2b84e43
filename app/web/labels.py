"""The catalogue's Vietnamese data on English pages: fields from a glossary kept as data
(`app/catalogue/data/fields-en.txt`), levels through the Level code list's translated labels. A name the
glossary lacks stays as the national records write it."""

from __future__ import annotations

import functools
from pathlib import Path

from flask_babel import get_locale, gettext

from app.catalogue.codes import Level
from app.text import nfc

FIELDS = Path(__file__).resolve().parent.parent / "catalogue" / "data" / "fields-en.txt"


@functools.cache
def field_glossary() -> dict[str, str]:
    names = {}
    for line in FIELDS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            vietnamese, _, english = line.partition(" = ")
            names[nfc(vietnamese).lower()] = english.strip()
    return names


def _english() -> bool:
    return str(get_locale()) == "en"


def field_name(name: str | None) -> str:
    """A field's name in the page's language."""
    if not name or not _english():
        return name or ""
    return field_glossary().get(nfc(name).lower(), name)


def level_text(text: str | None) -> str:
    """A procedure's level as its source writes it ("Cấp tỉnh, Cấp xã"), or on English pages the
    levels it names, translated ("Provincial level, Commune level")."""
    if not text or not _english():
        return text or ""
    found = Level.found_in(text)
    return ", ".join(gettext(level.label) for level in found) if found else text
