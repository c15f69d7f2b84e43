"""The real national corpus (../shared/data): every format, the union, the parse rates.

Skipped on a user's machine without ../shared; in CI (CI set) these always run.
"""

import glob

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import get_session
from app.imports.procedures import import_procedures
from app.models import Procedure, ProcedureSource
from benchmarks.rates import national_parse_rates
from tests.conftest import make_app, require_shared

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def corpus(databases, tmp_path_factory):
    shared = require_shared() / "tthc"
    app = make_app(databases, tmp_path_factory.mktemp("corpus"))
    reports = {}
    # A session of its own: the search test below builds the index whole, not at each commit.
    with Session(bind=app.extensions["engine"]) as session:
        files = ["national-procedures.jsonl.gz", "national-catalogue.jsonl.gz", "portal-api-details.jsonl.gz"]
        files += sorted(p.split("tthc/")[1] for p in glob.glob(str(shared / "ministry-lists" / "*.xlsx")))
        for name in files:
            reports[name] = import_procedures(session, (shared / name).read_bytes())
            session.commit()
    return app, reports, shared


def count(app, query):
    with app.app_context():
        return get_session().scalar(query)


def test_every_format_imports_every_record(corpus):
    app, reports, _ = corpus
    assert all(r.applied and not r.rejected for r in reports.values())
    with app.app_context():
        kinds = dict(
            get_session().execute(select(ProcedureSource.kind, func.count()).group_by(ProcedureSource.kind)).all()
        )
    assert kinds == {"national": 2642, "catalogue": 5670, "portal_api": 502, "table": 2642}


def test_the_union_is_5739_procedures(corpus):
    app, _, _ = corpus
    assert count(app, select(func.count(Procedure.id))) == 5739


def test_reimport_changes_nothing(corpus):
    app, _, shared = corpus
    with app.app_context():
        report = import_procedures(get_session(), (shared / "national-procedures.jsonl.gz").read_bytes())
    assert report.summary() == "imported 0, updated 0, rejected 0"


def test_parse_rates_through_the_api(corpus):
    app, _, shared = corpus
    client = app.test_client()
    rates = national_parse_rates(
        str(shared / "national-procedures.jsonl.gz"), lambda code: client.get(f"/api/v1/procedures/{code}").get_json()
    )
    assert rates["records"] == 2642
    assert rates["time_text"] > 1000 and rates["time_rate"] >= 95.0
    assert rates["fee_rate"] >= 85.0
    assert rates["doc_rate"] >= 99.0
    assert rates["legal_rate"] >= 90.0


def test_search_answers_real_questions_with_or_without_diacritics(corpus):
    """A guard against regressions, well below the figures `make bench` prints (hit@10 86%, MRR 0.62)."""
    import json

    app, _, shared = corpus
    questions = [
        json.loads(line)
        for line in (shared.parent / "search-dev.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    service = app.extensions["search"]
    with app.app_context():
        session = get_session()
        assert service.reindex(session, procs=2) == 5739
        codes = dict(session.execute(select(Procedure.id, Procedure.code)).all())
    for key in ("q", "q_ascii"):
        ranks = []
        for question in questions:
            found = [codes[i] for i in service.search(question[key], {}, 1, 10).ids]
            ranks.append(next((i + 1 for i, c in enumerate(found) if c in question["relevant"]), None))
        hit = sum(r is not None for r in ranks) / len(ranks)
        mrr = sum(1 / r for r in ranks if r) / len(ranks)
        assert hit >= 0.8 and mrr >= 0.55, (key, hit, mrr)
