"""Request parameters the site refuses (one error for every area), and pages of results."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


class BadParameter(ValueError):
    """A query parameter that cannot be understood: its name, its value, what is allowed."""

    def __init__(self, name: str, value, allowed: str | None = None):
        super().__init__(f"bad parameter {name}={value!r}")
        self.name, self.value, self.allowed = name, str(value)[:100], allowed


def int_param(args, name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, raw, f"{low}–{high}") from None
    if not low <= value <= high:
        raise BadParameter(name, raw, f"{low}–{high}")
    return value


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int
    # Set when the page answers a search: counts per filter value, a "did you mean", the words.
    facets: dict | None = None
    suggestion: str | None = None
    words: set = field(default_factory=set)
    variants: dict = field(default_factory=dict)  # id -> other local variants of its procedure

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))
