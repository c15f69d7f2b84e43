"""Print the benchmarks' figures: the catalogue (import speed, parse rates, latency; needs
../shared/data), the late tables (the demo; needs nothing else) and publishing a month of the demo
and of ten times the demo (on PostgreSQL too when DATABASE_URL names a server). Run with `make bench`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from app import create_app
from app.db import get_session, upgrade
from app.imports.procedures import import_procedures
from benchmarks import late, publish
from benchmarks import search as search_bench
from benchmarks.common import latency, timed
from benchmarks.rates import national_parse_rates

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "tthc"


def main() -> int:
    late.run()
    publish.run()
    if not DATA.exists():
        print(f"the real corpus is missing, catalogue figures skipped: {DATA}", file=sys.stderr)
        return 1
    catalogue()
    return 0


def catalogue() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        upgrade(url)
        app = create_app(
            {"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url, "SEARCH_INDEX_DIR": f"{tmp}/index"}
        )
        # A session of its own: the import is timed with its commit, without the index following it
        # (the search benchmark below builds the index whole).
        with Session(bind=app.extensions["engine"]) as session:
            national = (DATA / "national-procedures.jsonl.gz").read_bytes()
            catalogue = (DATA / "national-catalogue.jsonl.gz").read_bytes()
            print("== import (SQLite, this machine) ==")

            def imported(data: bytes):
                report = import_procedures(session, data)
                session.commit()
                return report

            r1 = timed("import national records (2,642)", lambda: imported(national))
            r2 = timed("import catalogue (5,670; 2,573 merge)", lambda: imported(catalogue))
            r3 = timed("re-import national records (no change)", lambda: imported(national))
            print(f"  {r1.summary()} | {r2.summary()} | again: {r3.summary()}")
        client = app.test_client()
        with app.app_context():
            search_bench.run(get_session(), app.extensions["search"], client)
        print("== parse rates of the national records, read back through the API ==")
        rates = national_parse_rates(
            str(DATA / "national-procedures.jsonl.gz"), lambda code: client.get(f"/api/v1/procedures/{code}").get_json()
        )
        for part, label in (
            ("time", "processing time in working days on a channel"),
            ("fee", "fee amount in VND where the text gives one"),
            ("doc", "documents as a list"),
            ("legal", "legal bases, each with number and title"),
        ):
            print(f"  {label:<50} {rates[part + '_ok']:>5} / {rates[part + '_text']:<5} = {rates[part + '_rate']}%")
        print("== latency through the WSGI app (5,739 procedures) ==")
        latency(
            client,
            "/procedures?q=... (plain matching)",
            [f"/procedures?q={q}" for q in ("khai sinh", "dang ky kinh doanh", "giay phep xay dung", "ho chieu")],
        )
        latency(client, "/procedures/<code>", [f"/procedures/{c}" for c in ("1.000893", "2.001610", "1.000178")])
        latency(client, "/api/v1/procedures/<code>", [f"/api/v1/procedures/{c}" for c in ("1.000893", "2.001610")])


if __name__ == "__main__":
    sys.exit(main())
