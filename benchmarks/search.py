"""Search quality and speed on real citizens' questions, beside SQLite FTS5 on the same corpus."""

from __future__ import annotations

import json
import random
import sqlite3
import statistics
import string
import time
from pathlib import Path

from sqlalchemy import select

from app.models import Procedure
from app.search.documents import _texts
from benchmarks import postings as postings_bench
from benchmarks import synonyms as synonyms_bench

QUESTIONS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "search-dev.jsonl"
# The team's own English questions (the development set has none).
ENGLISH = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "search-en.jsonl"


def _measure(label: str, rank, questions: list[dict], key: str) -> None:
    hits, firsts, reciprocal, times = 0, 0, 0.0, []
    for question in questions:
        start = time.perf_counter()
        codes = rank(question[key])
        times.append((time.perf_counter() - start) * 1000)
        position = next((i + 1 for i, code in enumerate(codes[:10]) if code in question["relevant"]), None)
        if position:
            hits += 1
            firsts += position == 1
            reciprocal += 1 / position
    times.sort()
    n = len(questions)
    print(
        f"  {label:<34} hit@1 {firsts / n:6.1%}   hit@10 {hits / n:6.1%}   MRR {reciprocal / n:.3f}   "
        f"p50 {statistics.median(times):6.1f} ms   p95 {times[int(0.95 * (n - 1))]:6.1f} ms"
    )


def _fts5(session) -> sqlite3.Connection:
    """The same procedures in an FTS5 table (unicode61 tokenizer, diacritics removed), BM25 ranking."""
    fts = sqlite3.connect(":memory:")
    fts.execute(
        "CREATE VIRTUAL TABLE p USING fts5(code UNINDEXED, name, body, tokenize='unicode61 remove_diacritics 2')"
    )
    rows = []
    for p in session.scalars(select(Procedure)):
        body = " ".join(t for t in [p.subjects, p.conditions] + _texts(p.results) + _texts(p.steps) if t)
        rows.append((p.code, p.name, body))
    fts.executemany("INSERT INTO p VALUES (?, ?, ?)", rows)
    return fts


def _fts_rank(fts: sqlite3.Connection):
    def rank(question: str) -> list[str]:
        words = [w for w in "".join(c if c.isalnum() else " " for c in question).split() if w]
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        return [
            code
            for (code,) in fts.execute(
                "SELECT code FROM p WHERE p MATCH ? ORDER BY bm25(p, 0, 3.0, 1.0) LIMIT 10", (match,)
            )
        ]

    return rank


def _hostile(rng: random.Random, kind: str) -> str:
    """A question built to cost: every call a new one, so that no cache answers it."""

    def word(letters: int) -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(letters))

    if kind == "one 1,000-letter word":
        return word(1000)
    if kind == "8 unknown 10-letter words":
        return " ".join(word(10) for _ in range(8))
    if kind == "48 unknown 4-letter words":
        return " ".join(word(4) for _ in range(48))
    return " ".join(word(rng.randint(2, 6)) for _ in range(6))  # "6 short unknown words"


def cost(service) -> None:
    """What a question built to cost takes beside an ordinary one, with the search budget in force
    (SEARCH_BUDGET_MS) and without it: the ratio of medians over 30 questions each."""
    rng = random.Random(5)
    kinds = ("one 1,000-letter word", "8 unknown 10-letter words", "48 unknown 4-letter words", "6 short unknown words")
    budget = service.budget_seconds

    def median_ms(make) -> float:
        samples = []
        for _ in range(30):
            question = make()
            begin = time.perf_counter()
            service.search(question, {}, 1, 10)
            samples.append((time.perf_counter() - begin) * 1000)
        return statistics.median(samples)

    ordinary = ["đăng ký khai sinh", "cấp đổi giấy phép lái xe", "sổ đỏ", "đăng ký kết hôn", "hộ khẩu"]
    print(f"== search cost per request (budget SEARCH_BUDGET_MS = {budget * 1000:g} ms) ==")
    base = median_ms(lambda: rng.choice(ordinary))
    print(f"  {'an ordinary question':<40} {base:7.1f} ms")
    for kind in kinds:
        figures = []
        for seconds in (budget, 0.0):
            service.budget_seconds = seconds
            figures.append(median_ms(lambda kind=kind: _hostile(rng, kind)))
        service.budget_seconds = budget
        print(
            f"  {kind:<40} {figures[0]:7.1f} ms = {figures[0] / base:5.1f}x ordinary"
            f"   (no budget: {figures[1]:7.1f} ms = {figures[1] / base:5.1f}x)"
        )


def run(session, service, client) -> None:
    if not QUESTIONS.exists():
        print("  (no questions file: quality figures skipped)")
        return
    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    start = time.perf_counter()
    count = service.reindex(session, procs=2)
    print(f"{'search reindex (' + format(count, ',') + ' procedures)':<52} {time.perf_counter() - start:8.2f} s")
    codes = {p.id: p.code for p in session.scalars(select(Procedure))}

    def ours(question: str) -> list[str]:
        return [codes[i] for i in service.search(question, {}, 1, 10).ids]

    ours("khai sinh")  # open the index once, as a running site has
    postings_bench.run(service.engine())
    print(f"== search quality on {len(questions)} real questions (../shared/data/search-dev.jsonl) ==")
    _measure("ours, with diacritics", ours, questions, "q")
    _measure("ours, typed without diacritics", ours, questions, "q_ascii")
    english = [json.loads(line) for line in ENGLISH.read_text(encoding="utf-8").splitlines() if line.strip()]

    def ours_english(question: str) -> list[str]:
        return [codes[i] for i in service.search(question, {}, 1, 10, "en").ids]

    _measure(f"ours, English site ({len(english)} questions)", ours_english, english, "q")
    fts = _fts5(session)
    _measure("SQLite FTS5 (bm25), with diacritics", _fts_rank(fts), questions, "q")
    _measure("SQLite FTS5, without diacritics", _fts_rank(fts), questions, "q_ascii")
    _measure("SQLite FTS5, English", _fts_rank(fts), english, "q")
    samples = []
    for question in questions[:40]:
        begin = time.perf_counter()
        response = client.get("/procedures", query_string={"q": question["q"]})
        samples.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200
    samples.sort()
    print(
        f"  {'/procedures?q=<question> (WSGI, page)':<34} p50 {statistics.median(samples):6.1f} ms   "
        f"p95 {samples[int(0.95 * (len(samples) - 1))]:6.1f} ms"
    )
    cost(service)
    synonyms_bench.run(ours, questions, service.engine().document_frequency)
