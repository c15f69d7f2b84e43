"""The open data package: valid as a Frictionless Data Package, every resource's rows equal to the
API's, totals a resource of their own, a month at a time or whole, the licence configurable."""

from __future__ import annotations

import csv
import io
import json

import frictionless
import pytest

from app.audit import Actor
from app.db import get_session
from app.feedback import service
from app.imports.cases import import_cases
from app.late.rules import Month
from app.late.store import publish_month
from tests import late_world
from tests.conftest import make_app, soup

HEADER = b"case_code,procedure_code,agency_code,received_at,due_at,finished_at,status,apology_sent,officer_code\n"


@pytest.fixture
def app(databases, tmp_path):
    found = make_app(databases, tmp_path, SEARCH_BACKEND="null", DATA_LICENSE="ODC-BY-1.0")
    late_world.build(found, "2023-04", "2023-05")
    with found.app_context():
        session = get_session()
        fixed = HEADER + b"C4,,T.STP,02/05/2023 08:30,08/05/2023 10:00,08/05/2023 09:00,,,O2\n"
        assert import_cases(session, fixed).applied
        assert publish_month(session, Month.parse("2023-05"), Actor("test"), note="Sửa hồ sơ C4").changed
        session.commit()
    return found


def table(client, path: str) -> list[dict]:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "text/csv" and not response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_package_validates_with_every_resource(app, client, tmp_path):
    descriptor = client.get("/data/datapackage.json").get_json()
    assert descriptor["licenses"][0]["name"] == "ODC-BY-1.0"
    names = [r["name"] for r in descriptor["resources"]]
    assert set(names) >= {"late-agencies", "late-totals", "late-officers", "late-files"}
    assert set(names) >= {"satisfaction", "procedures", "decisions", "revisions"}
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            assert field["title"] and field["title_en"] and field["type"], (resource["name"], field)
        (tmp_path / resource["path"]).write_bytes(client.get(f"/data/{resource['path']}").data)
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "type", "note"])[:5]


def test_every_resource_says_what_the_api_says(app, client):
    api = client.get("/api/v1/late/agencies?month=2023-05").get_json()
    rows = [r for r in table(client, "/data/late-agencies.csv") if r["month"] == "2023-05"]
    assert rows == table(client, "/data/late-agencies-2023-05.csv")
    by_code = {r["agency_code"]: r for r in rows}
    assert set(by_code) == {i["agency_code"] for i in api["items"]}
    for item in api["items"]:
        row = by_code[item["agency_code"]]
        for key in ("resolved", "early", "on_time", "late", "pending_overdue", "apologies", "waiting_applicant"):
            assert int(row[key]) == item[key], key
        assert float(row["on_time_rate"]) == item["on_time_rate"]
    # The totals are a resource of their own, not a row of the agencies'.
    [totals] = table(client, "/data/late-totals-2023-05.csv")
    assert int(totals["late"]) == api["totals"]["late"] and int(totals["resolved"]) == api["totals"]["resolved"]
    assert all(r["agency_code"] for r in rows)
    files = client.get("/api/v1/late/files?month=2023-05&per_page=500").get_json()["items"]
    rows_by_code = {r["case_code"]: r for r in table(client, "/data/late-files-2023-05.csv")}
    assert set(rows_by_code) == {i["case_code"] for i in files}
    for item in files:
        row = rows_by_code[item["case_code"]]
        for key in (
            "procedure_code",
            "agency_code",
            "received_at",
            "due_at",
            "finished_at",
            "reason",
            "rescheduled_to",
        ):
            assert (row[key] or None) == item[key], (item["case_code"], key)
        assert int(row["days_late"]) == item["days_late"] and row["officers"].split() == item["officers"]
        assert row["apology"] == ("true" if item["apology"] else "false")
    officers = client.get("/api/v1/late/officers?month=2023-05").get_json()["items"]
    assert sorted(
        (r["officer_code"], int(r["late_files"])) for r in table(client, "/data/late-officers-2023-05.csv")
    ) == sorted((o["officer_code"], o["late_files"]) for o in officers)
    [revision] = table(client, "/data/revisions.csv")
    assert (revision["month"], revision["revision"], revision["note"]) == ("2023-05", "2", "Sửa hồ sơ C4")
    assert {r["month"] for r in table(client, "/data/late-agencies.csv")} == {"2023-04", "2023-05"}


def test_unknown_files_and_months_are_not_found_and_the_page_lists_it_all(app, client):
    for path in ("/data/nope.csv", "/data/late-agencies-2023-06.csv", "/data/procedures-2023-05.csv", "/data/x.json"):
        assert client.get(path).status_code == 404, path
    page = soup(client.get("/data/"))
    links = {a["href"] for a in page.select("main a")}
    assert {"/data/datapackage.json", "/data/late-agencies.csv", "/data/late-agencies-2023-05.csv"} <= links
    assert page.select_one("a[rel=license]")


def test_the_satisfaction_dataset_follows_the_pages_minimum_and_rated_months(app, client):
    from sqlalchemy import select

    from app.feedback.criteria import criteria_set
    from app.models import Agency

    with app.app_context():
        session = get_session()
        agency = session.scalar(select(Agency).where(Agency.code == "T.STP"))
        criteria = criteria_set(app.config["RATING_CRITERIA"])
        for code in ("C1", "C2"):
            facts = service.case_facts(session, code, late_world.receipt_token(session, code))
            service.submit_rating(session, criteria, overall="satisfied", scores={}, agency=agency, facts=facts)
        session.commit()
    month = client.get("/api/v1/satisfaction").get_json()["period"]["from"]
    [row] = table(client, f"/data/satisfaction-{month}.csv")
    assert (row["ratings"], row["satisfied_pct"]) == ("2", ""), "below the minimum: the count alone"
    app.config["SATISFACTION_MIN_RATINGS"] = 2
    # (an address with a parameter no page reads is never kept by the page cache: served fresh)
    [row] = table(client, f"/data/satisfaction-{month}.csv?fresh=1")
    api = client.get("/api/v1/satisfaction?fresh=1").get_json()["items"][0]
    assert float(row["satisfied_pct"]) == api["satisfied_pct"] == 100.0
    assert client.get("/data/satisfaction-2023-05.csv").status_code == 404, "a month without ratings"
    descriptor = client.get("/data/datapackage.json").get_json()
    resource = next(r for r in descriptor["resources"] if r["name"] == "satisfaction")
    assert list(resource["months"]) == [month]
