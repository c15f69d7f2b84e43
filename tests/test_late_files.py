"""The late-file list (`/late/files`, its CSV and `/api/v1/late/files`) and an officer's page."""

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select

from app.audit import Actor
from app.db import get_session
from app.feedback import stats
from app.imports.cases import import_events
from app.late.rules import Month
from app.late.store import publish_month
from app.models import Officer, Rating
from tests.conftest import make_app, soup
from tests.late_world import build

EVENTS = (
    "case_code,event,at,reason,new_due_at\n"
    "C3,supplement_requested,2023-05-05 09:00,,\n"
    "C3,supplement_received,2023-05-09 14:00,,\n"
    "C3,explained,2023-05-16,Thiếu chữ ký,\n"
    "C3,rescheduled,2023-05-11,,2023-05-15 16:00\n"
    "C2,supplement_requested,2023-05-05 09:00,,\n"
    "C2,supplement_requested,2023-05-08 09:00,,\n"
    "C2,apology_sent,2023-05-12,,\n"
).encode()


@pytest.fixture
def app(databases, tmp_path):
    return make_app(databases, tmp_path, SEARCH_BACKEND="null")


@pytest.fixture
def world(app, client):
    """May 2023 of the small province with events, published."""
    build(app)
    with app.app_context():
        session = get_session()
        assert import_events(session, EVENTS).applied
        publish_month(session, Month(2023, 5), Actor("test"))
        session.commit()
    return client


def api(client, query):
    return client.get(f"/api/v1/late/files?{query}").get_json()


def test_the_api_lists_the_late_files_with_what_the_events_say(world):
    body = api(world, "month=2023-05")
    assert body["period"] == {"from": "2023-05", "to": "2023-05"}
    assert (body["total"], body["page"], body["per_page"]) == (3, 1, 50)
    by_code = {item["case_code"]: item for item in body["items"]}
    assert set(by_code) == {"C2", "C3", "C4"}
    assert by_code["C3"] == {
        "case_code": "C3",
        "procedure_code": "9.999999",
        "procedure_name": None,
        "agency_code": "T.STP",
        "received_at": "2023-05-04T00:00:00",
        "due_at": "2023-05-12",  # 10/5 moved 2 working days by the pause
        "finished_at": "2023-05-15T09:00:00",
        "days_late": 1,
        "officers": ["O1", "O2"],
        "apology": True,
        "reason": "Thiếu chữ ký",
        "rescheduled_to": "2023-05-15T16:00:00",
        "supplements": 1,
    }
    assert (by_code["C2"]["supplements"], by_code["C2"]["apology"], by_code["C2"]["days_late"]) == (2, True, 1)
    assert by_code["C4"]["due_at"] == "2023-05-08T10:00:00" and by_code["C4"]["officers"] == ["O2"]
    # The default order: most days late first, then by code.
    days = [item["days_late"] for item in body["items"]]
    assert days == sorted(days, reverse=True)


def test_filters_sorting_and_paging(world):
    assert api(world, "month=2023-05&agency=T.H1")["items"] == []  # the district's subtree has no late file
    assert api(world, "month=2023-05&agency=T")["total"] == 3  # the province holds every agency
    assert {i["case_code"] for i in api(world, "month=2023-05&officer=O1")["items"]} == {"C2", "C3"}
    assert {i["case_code"] for i in api(world, "month=2023-05&officer=O2")["items"]} == {"C3", "C4"}
    by_case = [i["case_code"] for i in api(world, "month=2023-05&sort=case")["items"]]
    assert by_case == ["C2", "C3", "C4"]
    assert [i["case_code"] for i in api(world, "month=2023-05&sort=case&dir=desc")["items"]] == by_case[::-1]
    finished = [i["finished_at"] for i in api(world, "month=2023-05&sort=finished")["items"]]
    assert finished == sorted(finished, reverse=True)
    pages = [api(world, f"month=2023-05&sort=case&per_page=2&page={n}") for n in (1, 2)]
    assert [i["case_code"] for p in pages for i in p["items"]] == by_case
    assert pages[1]["total"] == 3 and pages[1]["page"] == 2


@pytest.mark.parametrize(
    "query", ["month=2023-13", "month=2023-05&sort=colour", "month=2023-05&per_page=0", "month=2023-05&agency=NOPE"]
)
def test_bad_parameters_are_400(world, query):
    assert world.get(f"/api/v1/late/files?{query}").status_code == 400
    assert world.get(f"/late/files?{query}").status_code == 400


def test_unpublished_months_are_not_shown(world):
    assert world.get("/api/v1/late/files?month=2023-06").status_code == 404
    assert world.get("/late/files.csv?month=2023-06").status_code == 404


def test_the_page_and_the_csv_equal_the_api(world):
    items = api(world, "month=2023-05")["items"]
    page = soup(world.get("/late/files?month=2023-05"))
    rows = page.select("#late-view table.data-table tbody tr")
    assert [r.th.get_text(strip=True) for r in rows] == [i["case_code"] for i in items]
    c3 = next(r for r in rows if r.th.get_text(strip=True) == "C3")
    cells = {td["data-label"]: td.get_text(" ", strip=True) for td in c3.find_all("td")}
    assert cells["Hạn giải quyết"] == "12/05/2023" and cells["Số ngày trễ"] == "1"
    assert cells["Lý do"] == "Thiếu chữ ký" and cells["Đã xin lỗi"] == "Có"
    assert [a.get_text() for a in c3.select("td a[href^='/late/officers/']")] == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert c3.select_one("a[href='/late/officers/O1']")
    text = world.get("/late/files.csv?month=2023-05").get_data(as_text=True)
    assert text.startswith("\ufeff")
    records = list(csv.DictReader(io.StringIO(text[1:])))
    assert [r["case_code"] for r in records] == [i["case_code"] for i in items]
    for record, item in zip(records, items, strict=True):
        assert record["officers"].split() == item["officers"]
        assert record["apology"] == str(int(item["apology"]))
        assert int(record["days_late"]) == item["days_late"] and record["due_at"] == item["due_at"]
    fragment = world.get("/late/files?month=2023-05", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True) and "HX-Request" in fragment.headers["Vary"]


def test_every_row_of_the_tables_links_to_its_late_files(world):
    page = soup(world.get("/late?month=2023-05"))
    links = [a["href"] for a in page.select("#late-view tbody a") if "/late/files" in a["href"]]
    assert "/late/files?month=2023-05&agency=T.STP" in links
    officers = soup(world.get("/late/officers?month=2023-05"))
    hrefs = [a["href"] for a in officers.select("#late-view tbody a")]
    assert "/late/files?month=2023-05&officer=O2" in hrefs and "/late/officers/O2" in hrefs
    for href in links + [h for h in hrefs if "/late/files" in h]:
        assert world.get(href).status_code == 200


def test_an_officers_page_shows_the_published_months(world):
    page = soup(world.get("/late/officers/O2"))
    assert page.h1.get_text(strip=True) == "Trần Thị Bình" and "Phó Giám đốc" in page.select_one(".lead").get_text()
    row = page.select_one("tbody tr")
    assert row.th.get_text(strip=True) == "05/2023"
    files = api(world, "month=2023-05&officer=O2")["items"]
    assert row.select("td")[0].get_text(strip=True) == str(len(files))
    assert row.select_one("a[href='/late/files?month=2023-05&officer=O2']")
    assert world.get("/late/officers/NOBODY").status_code == 404


def test_the_openapi_document_describes_the_list(world):
    doc = world.get("/api/v1/openapi.json").get_json()
    item = doc["paths"]["/api/v1/late/files"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    keys = set(item["properties"]["items"]["items"]["properties"])
    assert keys == set(api(world, "month=2023-05")["items"][0])
    assert item["properties"]["items"]["items"]["properties"]["officers"]["type"] == "array"


def test_an_officers_page_shows_ratings_only_in_months_with_enough(app, world):
    with app.app_context():
        session = get_session()
        officer = session.scalar(select(Officer).where(Officer.code == "O2"))
        assert officer is not None and officer.agency_id is not None
        overall = ["very_satisfied", "satisfied", "satisfied", "unsatisfied"]
        # Verified ratings (from the files' receipts); unverified ones never count for an officer.
        plan = (("2023-05", stats.MIN_RATINGS, True), ("2023-06", stats.MIN_RATINGS - 1, True), ("2023-06", 9, False))
        for month, count, verified in plan:
            for i in range(count):
                session.add(
                    Rating(
                        created_at=dt.datetime(int(month[:4]), int(month[5:]), 10 + i),
                        month=month,
                        agency_id=officer.agency_id,
                        officer_id=officer.id,
                        overall=overall[i % len(overall)],
                        criteria_set="test",
                        verified=verified,
                    )
                )
        session.commit()
    rows = soup(world.get("/late/officers/O2")).select("#officer-ratings tbody tr")
    # June has one rating too few: it is not shown. May: 5 ratings, 4 of them (very) satisfied.
    assert [r.th.get_text(strip=True) for r in rows] == ["05/2023"]
    assert [td.get_text(strip=True) for td in rows[0].select("td")] == ["5", "80,0%"]
    assert rows[0].select_one("a[href='/satisfaction?month=2023-05']")
    assert not soup(world.get("/late/officers/O1")).select("#officer-ratings")
