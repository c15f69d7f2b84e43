"""Code lists: each list is one StrEnum whose members are the codes stored in the database, each
with its Vietnamese label beside it. The label is only marked for translation here (`N_`); the
template layer translates it for the visitor (app/web/templating.py, the `label` filter)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from app.text import fold


def N_(text: str) -> str:
    """Mark `text` for extraction into the translation catalogue without translating it now."""
    return text


class CodeList(StrEnum):
    """A list of codes; a member is the code itself (a str), its `label` the Vietnamese text."""

    label: str

    def __new__(cls, code: str, label: str):
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @classmethod
    def get(cls, value, default=None):
        """The member whose code is `value`, else `default` (never raises)."""
        return cls._value2member_map_.get(value, default) if isinstance(value, str) else default

    @classmethod
    def has(cls, value) -> bool:
        """Whether `value` is one of the codes."""
        return cls.get(value) is not None

    @classmethod
    def codes(cls) -> tuple[str, ...]:
        """Every code, in the list's order, as plain strings."""
        return tuple(member.value for member in cls)

    @classmethod
    def by_label(cls, text: str | None, default=None):
        """The member whose label is `text`, compared without case or diacritics."""
        wanted = fold(text)
        return next((member for member in cls if fold(member.label) == wanted), default)

    @classmethod
    def read(cls, text: str | None, words: Mapping[str, CodeList] | None = None):
        """The member a source's spelling names: its code in any case, its label, or one of `words`
        (keys folded: lower case, no diacritics); None when it names none."""
        folded = fold(text)
        return cls.get(folded) or cls.by_label(text) or (words or {}).get(folded)
