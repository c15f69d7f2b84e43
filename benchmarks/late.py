"""The late tables' figures (`seed-demo` end to end, recomputing a month, page and API latency) and
the satisfaction pages' latency on the demo's ratings."""

from __future__ import annotations

import tempfile
import time

from app import create_app
from app.db import get_session, upgrade
from app.late.rules import Month
from app.late.store import compute_month
from benchmarks.common import latency, timed


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/late.sqlite3"
        upgrade(url)
        # The page cache is off: the figures are what rendering a page costs, not a cache hit.
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "DATABASE_URL": url,
                "SEARCH_INDEX_DIR": f"{tmp}/index",
                "PAGE_CACHE_SECONDS": 0,
            }
        )
        print("== late tables: the Kon Tum demo (SQLite, this machine) ==")
        result = timed(
            "seed-demo (183,854 resolved files and their steps)",
            lambda: app.test_cli_runner().invoke(args=["seed-demo"]),
        )
        assert result.exit_code == 0, result.output
        with app.app_context():
            session = get_session()
            samples = []
            for _ in range(3):
                start = time.perf_counter()
                figures = compute_month(session, Month(2022, 8))
                samples.append(time.perf_counter() - start)
            print(
                f"{'recompute one month (2022-08), best of 3':<52} {min(samples):8.2f} s"
                f"   ({sum(c.resolved for c in figures.agencies.values())} resolved)"
            )
        client = app.test_client()
        body = client.get("/api/v1/late/agencies?from=2022-01&to=2022-08").get_json()
        totals = body["totals"]
        stnmt = next(i for i in body["items"] if i["agency_code"] == "H34.STNMT")
        print(
            f"  01-08/2022: resolved {totals['resolved']}, late {totals['late']}, on time {totals['on_time_rate']}%;"
            f" STNMT late {stnmt['late']}, pending overdue {stnmt['pending_overdue']}"
        )
        latency(client, "/late?month=YYYY-MM", [f"/late?month=2022-0{m}" for m in range(1, 9)])
        latency(client, "/late?from=2022-01&to=2022-08", ["/late?from=2022-01&to=2022-08"] * 4)
        latency(client, "/late/officers?month=YYYY-MM", [f"/late/officers?month=2022-0{m}" for m in range(1, 9)])
        files = [
            "/late/files?month=2022-08",
            "/late/files?month=2022-08&sort=days_late",
            "/late/files?month=2022-08&sort=received&dir=asc",
            "/late/files?month=2022-08&sort=agency",
            "/late/files?month=2022-08&agency=H34.STNMT",
            "/late/files?month=2022-08&page=20",
            "/late/files?from=2022-01&to=2022-08&page=100",
        ]
        busiest = client.get("/api/v1/late/officers?from=2022-01&to=2022-08").get_json()["items"][0]["officer_code"]
        latency(client, "/late/files (sorts, agency, pages)", files + [f"/late/files?month=2022-08&officer={busiest}"])
        latency(
            client, "/api/v1/late/files?month=YYYY-MM", [f"/api/v1/late/files?month=2022-0{m}" for m in range(1, 9)]
        )
        latency(
            client,
            "/api/v1/late/agencies?month=YYYY-MM",
            [f"/api/v1/late/agencies?month=2022-0{m}" for m in range(1, 9)],
        )
        latency(
            client,
            "/api/v1/late/officers?month=YYYY-MM",
            [f"/api/v1/late/officers?month=2022-0{m}" for m in range(1, 9)],
        )
        print("== satisfaction and feedback (the demo's ratings, live figures) ==")
        latency(client, "/satisfaction?month=YYYY-MM", [f"/satisfaction?month=2022-0{m}" for m in range(1, 9)])
        latency(client, "/satisfaction?from=2022-01&to=2022-08", ["/satisfaction?from=2022-01&to=2022-08"] * 4)
        latency(
            client, "/api/v1/satisfaction?month=YYYY-MM", [f"/api/v1/satisfaction?month=2022-0{m}" for m in range(1, 9)]
        )
        latency(client, "/feedback (published answers)", ["/feedback", "/feedback?q=ho+so", "/feedback?page=2"])
