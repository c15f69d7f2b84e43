"""The satisfaction criteria, read from criteria.toml: each scored 0, 1 or 2 points."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "criteria.toml"
SCORES = (2, 1, 0)


@dataclass(frozen=True)
class Criterion:
    number: int
    text: str
    text_en: str
    levels: tuple[str, str, str]  # what 0, 1 and 2 points mean
    levels_en: tuple[str, str, str]

    def label(self, locale: str) -> str:
        return self.text_en if locale == "en" else self.text

    def level(self, score: int, locale: str) -> str:
        return (self.levels_en if locale == "en" else self.levels)[score]


@dataclass(frozen=True)
class CriteriaSet:
    key: str
    title: str
    title_en: str
    criteria: tuple[Criterion, ...]

    @property
    def max_score(self) -> int:
        return 2 * len(self.criteria)


@cache
def criteria_sets(path: Path = DATA) -> dict[str, CriteriaSet]:
    """Every set in the data file, by key; raise ValueError for a malformed file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    sets = {}
    for key, raw in data.get("sets", {}).items():
        criteria = []
        for number, item in enumerate(raw.get("criteria", []), start=1):
            levels, levels_en = tuple(item["levels"]), tuple(item.get("levels_en", item["levels"]))
            if len(levels) != 3 or len(levels_en) != 3:
                raise ValueError(f"{key} criterion {number}: three levels (0, 1, 2 points) are needed")
            criteria.append(Criterion(number, item["text"], item.get("text_en", item["text"]), levels, levels_en))
        if not criteria:
            raise ValueError(f"{key}: no criteria")
        sets[key] = CriteriaSet(key, raw["title"], raw.get("title_en", raw["title"]), tuple(criteria))
    return sets


def criteria_set(key: str, path: str | Path | None = None) -> CriteriaSet:
    """The set named `key` (the RATING_CRITERIA setting) in `path` (default: the bundled criteria.toml)."""
    sets = criteria_sets(Path(path) if path else DATA)
    try:
        return sets[key]
    except KeyError:
        raise ValueError(f"unknown rating criteria set {key!r}; known: {', '.join(sets)}") from None


def in_force(config) -> CriteriaSet:
    """The set the site uses, as its settings name it (RATING_CRITERIA, RATING_CRITERIA_FILE)."""
    return criteria_set(config["RATING_CRITERIA"], config.get("RATING_CRITERIA_FILE") or None)
