"""Reading the postings of the commonest terms: the block reader against Whoosh's public API.

`python -m benchmarks.postings` builds the real corpus (5,739 procedures, as tests/test_real_data.py
does) in a temporary directory; `make bench` prints the same figures from its search benchmark.
"""

from __future__ import annotations

import glob
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy.orm import Session

from app import create_app
from app.db import upgrade
from app.imports.procedures import import_procedures
from app.search import postings, rank
from app.search.engine import FIELD_BOOSTS

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "tthc"
QUESTIONS = DATA.parent / "search-dev.jsonl"
TERMS = 200
ROUNDS = 7


def commonest(leaves, count: int = TERMS) -> list[tuple[str, str]]:
    """The `count` (field, term) pairs with the most documents, over the scored fields."""
    found = [
        (df, field, term)
        for field in FIELD_BOOSTS
        for df, term in postings.frequent_terms(leaves, field, 1, float("inf"))
    ]
    found.sort(reverse=True)
    return [(field, term) for _df, field, term in found[:count]]


def run(engine) -> None:
    """Print the CPU time reading the commonest terms' postings takes each way, uncached.

    CPU time of this process rather than wall time: the machine may be busy with other work.
    """
    for thread in threading.enumerate():
        if thread.name == "search-warm":
            thread.join()  # its reads would count as ours
    leaves = engine.leaves
    with engine._lock:  # one reader of the index's files at a time, as in the engine
        terms = commonest(leaves)
        total = sum(len(postings.read(leaves, f, t)[0]) for f, t in terms)
        figures = {}
        for label, fast in (("block reader (private)", True), ("public matcher API", False)):
            samples = []
            for _ in range(ROUNDS):
                start = time.process_time()
                for field, term in terms:
                    postings.read(leaves, field, term, fast=fast)
                samples.append((time.process_time() - start) * 1000)
            figures[label] = statistics.median(samples)
    print(
        f"== postings of the {len(terms)} commonest terms ({total:,} postings, {len(leaves)} segments,"
        f" median of {ROUNDS}) =="
    )
    for label, ms in figures.items():
        print(f"  {label:<34} {ms:8.1f} ms CPU   {ms * 1000 / max(total, 1):6.3f} µs/posting")
    if QUESTIONS.exists():
        _cold_questions(engine)


def _cold_questions(engine) -> None:
    """CPU time of answering each real question with nothing cached, each way."""
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["q"] for line in lines if line.strip()]
    default = postings.FAST
    try:
        for label, fast in (("block reader (private)", True), ("public matcher API", False)):
            postings.FAST = fast  # what the engine's reads use
            samples = []
            for question in questions:
                with engine._lock:
                    engine._cache.clear()  # every term read from the index, as after a sync
                start = time.process_time()
                rank(engine, question, {}, 1, 10)
                samples.append((time.process_time() - start) * 1000)
            samples.sort()
            p95 = samples[int(0.95 * (len(samples) - 1))]
            print(
                f"  {len(questions)} questions, nothing cached, {label:<24}"
                f" p50 {statistics.median(samples):6.1f} ms   p95 {p95:6.1f} ms CPU"
            )
    finally:
        postings.FAST = default


def main() -> int:
    if not DATA.exists():
        print(f"the real corpus is missing: {DATA}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/postings.sqlite3"
        upgrade(url)
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "DATABASE_URL": url,
                "SEARCH_INDEX_DIR": f"{tmp}/index",
                "PAGE_CACHE_SECONDS": 0,
            }
        )
        files = ["national-procedures.jsonl.gz", "national-catalogue.jsonl.gz", "portal-api-details.jsonl.gz"]
        files += sorted(str(Path(p).relative_to(DATA)) for p in glob.glob(str(DATA / "ministry-lists/*.xlsx")))
        service = app.extensions["search"]
        with Session(bind=app.extensions["engine"]) as session:
            for name in files:
                import_procedures(session, (DATA / name).read_bytes())
                session.commit()
            print(f"indexed {service.reindex(session, procs=2):,} procedures")
        run(service.engine())
    return 0


if __name__ == "__main__":
    sys.exit(main())
