"""Per-entry ablation of the synonym table on the development questions.

For each entry of `app/search/data/synonyms.txt` (and the country patterns as one group): how many
questions it fires on, and how MRR@10 changes, with and without diacritics, when it is taken out.
An entry that helps one question and nothing else is a sign of fitting, one that costs MRR should
go. This informs the review of the table; entries are kept for being general usage, not for
these figures. Printed by `make bench` (needs the corpus).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from unittest import mock

from app.search import synonyms
from app.search.analyzer import abbreviations, stop_words


def mrr(search: Callable[[str], list[str]], questions: list[dict], key: str) -> float:
    total = 0.0
    for question in questions:
        codes = search(question[key])[:10]
        position = next((i + 1 for i, code in enumerate(codes) if code in question["relevant"]), None)
        total += 1 / position if position else 0.0
    return total / len(questions)


def fired(questions: list[dict], frequency) -> Counter:
    """How many questions each entry matches (as typed with diacritics)."""
    count: Counter = Counter()
    for question in questions:
        tokens = synonyms.tokens(question["q"], abbreviations(), stop_words())
        count.update({m.entry for m in synonyms.matches(tokens, frequency)})
    return count


def run(search: Callable[[str], list[str]], questions: list[dict], frequency) -> None:
    full = synonyms.table()
    base = {key: mrr(search, questions, key) for key in ("q", "q_ascii")}
    print(f"== synonym ablation ({len(full)} entries; MRR@10 with all: {base['q']:.3f}, {base['q_ascii']:.3f}) ==")
    print(f"  {'entry':<64} {'fires':>5} {'ΔMRR':>7} {'ΔMRR ascii':>10}")
    countries = tuple(e for e in full if e.source.startswith(synonyms.COUNTRY_PATTERNS) and "<" in e.source)
    groups: list[tuple[str, tuple[synonyms.Entry, ...]]] = [(e.source, (e,)) for e in full if e not in countries] + [
        (f"countries ({len(countries)} patterns)", countries)
    ]
    fires = fired(questions, frequency)
    rows = []
    silent = [label for label, removed in groups if not sum(fires[e] for e in removed)]
    for label, removed in groups:
        if label in silent:
            continue  # an entry no question holds changes nothing
        kept = tuple(e for e in full if e not in removed)
        with mock.patch.object(synonyms, "table", lambda kept=kept: kept):
            deltas = [base[key] - mrr(search, questions, key) for key in ("q", "q_ascii")]
        count = sum(fires[e] for e in removed)
        rows.append((deltas[0], label, count, deltas[1]))
    # Taking an entry out loses `delta` MRR: the entries that help most come first.
    for delta, label, count, ascii_delta in sorted(rows, reverse=True):
        print(f"  {label[:64]:<64} {count:>5} {delta:>+7.3f} {ascii_delta:>+10.3f}")
    print(f"  ({len(silent)} entries match no development question)")
