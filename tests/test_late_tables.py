"""Computing, publishing and showing the late tables: exact figures, only published months."""

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select

from app.audit import Actor
from app.db import get_session
from app.imports.cases import import_cases
from app.late.rules import Month
from app.late.store import PublishError, compute_month, publish_month
from app.text import fold
from tests.conftest import make_app, soup
from tests.late_world import build


@pytest.fixture
def app(databases, tmp_path):
    """These tests never search: an app without a search index (SEARCH_BACKEND=null), faster to fill."""
    return make_app(databases, tmp_path, SEARCH_BACKEND="null")


MAY = {
    "agency_code": "T.STP",
    "agency_name": "Sở Tư pháp tỉnh Thử Nghiệm",
    "resolved": 4,
    "early": 1,
    "on_time": 1,
    "late": 2,
    "on_time_rate": 50.0,
    "pending_overdue": 0,
    "apologies": 1,
    "waiting_applicant": 0,
    "repeat_supplement": 0,
    "pending": 0,
    "national_rate": 50.0,
}


def test_may_is_counted_exactly(client, app):
    build(app, "2023-05")
    body = client.get("/api/v1/late/agencies?month=2023-05").get_json()
    assert body["period"] == {"from": "2023-05", "to": "2023-05"}
    assert body["items"][0] == MAY
    commune = body["items"][1]
    assert (commune["agency_code"], commune["resolved"], commune["on_time"], commune["pending_overdue"]) == (
        "T.H1.X1",
        1,
        1,
        2,
    )
    assert body["totals"] == {
        "resolved": 5,
        "early": 1,
        "on_time": 2,
        "late": 2,
        "on_time_rate": 60.0,
        "pending_overdue": 2,
        "apologies": 1,
        "waiting_applicant": 0,
        "repeat_supplement": 0,
        "pending": 3,
        "national_rate": 50.0,
    }


def test_officers_are_charged_through_late_steps_or_the_files_officer(client, app):
    build(app, "2023-05", "2023-06")
    may = client.get("/api/v1/late/officers?month=2023-05").get_json()["items"]
    assert {(o["officer_code"], o["late_files"], o["days_late"]) for o in may} == {("O1", 1, 4), ("O2", 2, 4)}
    assert may[0] == {
        "officer_code": "O2",
        "officer_name": "Trần Thị Bình",
        "officer_title": "Phó Giám đốc",
        "agency_code": "T.STP",
        "late_files": 2,
        "days_late": 4,
    }
    june = client.get("/api/v1/late/officers?month=2023-06").get_json()["items"]
    # C8: due 10/4, finished 2/6; its only step was on time, so its officer answers for 36 working days.
    assert [(o["officer_code"], o["late_files"], o["days_late"]) for o in june] == [("O3", 1, 36)]


def test_a_period_adds_months_and_takes_pending_from_its_last(client, app):
    build(app, "2023-04", "2023-05", "2023-06")
    body = client.get("/api/v1/late/agencies?from=2023-04&to=2023-06").get_json()
    commune = next(i for i in body["items"] if i["agency_code"] == "T.H1.X1")
    # At the end of June, C5 (due 12/5) and C6 (due 31/5) are both still unfinished.
    assert (commune["resolved"], commune["late"], commune["pending_overdue"]) == (2, 1, 2)
    assert body["totals"]["resolved"] == 6
    officers = client.get("/api/v1/late/officers?from=2023-04&to=2023-06").get_json()["items"]
    assert {o["officer_code"]: o["late_files"] for o in officers} == {"O1": 1, "O2": 2, "O3": 1}


def test_unpublished_months_are_not_public(client, app):
    build(app, "2023-05")
    for path in (
        "/late?month=2023-06",
        "/late/officers?month=2023-06",
        "/late/agencies.csv?month=2023-06",
        "/api/v1/late/agencies?month=2023-06",
        "/api/v1/late/officers?from=2023-05&to=2023-06",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
    assert "06/2023" not in client.get("/late").get_data(as_text=True)
    assert client.get("/api/v1/late/agencies?month=2023-06").get_json()["months"] == ["2023-06"]


def test_nothing_published_yet(client, app):
    build(app)
    page = client.get("/late")
    assert page.status_code == 200 and "Chưa có tháng nào được công bố" in page.get_data(as_text=True)
    assert client.get("/api/v1/late/agencies").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "month=2023-13",
        "month=May",
        "from=2023-06&to=2023-04",
        "sort=bogus",
        "dir=up",
        "parent=NOPE",
        "from=1900-01&to=2100-01",
    ],
)
def test_bad_parameters_are_400(client, app, query):
    build(app, "2023-05")
    assert client.get(f"/late?{query}").status_code == 400
    assert client.get(f"/api/v1/late/agencies?{query}").status_code == 400


def test_the_page_shows_vietnamese_numbers_totals_and_sorting(client, app):
    build(app, "2023-05")
    page = soup(client.get("/late?month=2023-05"))
    rows = page.select("#late-view tbody tr")
    assert [r.th.get_text(strip=True) for r in rows] == ["Sở Tư pháp tỉnh Thử Nghiệm", "Ủy ban nhân dân xã Một"]
    total = [td.get_text(strip=True) for td in page.select("table.data-table tfoot td")]
    assert total == ["5", "1", "2", "2", "60,0%", "2", "1", "0", "0", "50,0%", "xem hồ sơ trễ"]
    by_rate = soup(client.get("/late?month=2023-05&sort=on_time_rate&dir=desc"))
    assert by_rate.select("#late-view tbody tr")[0].th.get_text(strip=True) == "Ủy ban nhân dân xã Một"
    assert by_rate.select_one("th[aria-sort]")["aria-sort"] == "descending"
    english = soup(client.get("/en/late?month=2023-05"))
    assert english.html["lang"] == "en" and "60.0%" in english.select_one("table.data-table tfoot").get_text()


def test_filters_by_level_and_parent(client, app):
    build(app, "2023-05")

    def names(q):
        return [i["agency_code"] for i in client.get(f"/api/v1/late/agencies?month=2023-05&{q}").get_json()["items"]]

    assert names("level=xã") == ["T.H1.X1"]
    assert names("parent=T.H1") == ["T.H1.X1"]
    assert names("parent=T") == ["T.STP", "T.H1.X1"]


def test_htmx_gets_the_same_table_markup_and_vary(client, app):
    build(app, "2023-05")
    full = client.get("/late?month=2023-05")
    fragment = client.get("/late?month=2023-05", headers={"HX-Request": "true"})
    assert "HX-Request" in full.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]
    assert "<html" not in fragment.get_data(as_text=True)
    assert str(soup(fragment).select_one("table.data-table")) == str(
        soup(full).select_one("#late-view table.data-table")
    )


def test_csv_downloads_equal_the_tables(client, app):
    build(app, "2023-05", "2023-06")
    query = "from=2023-05&to=2023-06"
    api = client.get(f"/api/v1/late/agencies?{query}").get_json()
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/late/agencies.csv?{query}").get_data(as_text=True).lstrip("\ufeff")))
    )
    assert [r["agency_code"] for r in rows[:-1]] == [i["agency_code"] for i in api["items"]]
    for row, item in zip(rows, api["items"]):
        assert {k: float(v) if k.endswith("_rate") else (int(v) if v.isdigit() else v) for k, v in row.items()} == item
    assert rows[-1]["agency_name"] == "Tổng cộng" and int(rows[-1]["resolved"]) == api["totals"]["resolved"]
    officers_api = client.get(f"/api/v1/late/officers?{query}").get_json()["items"]
    officers_csv = list(
        csv.DictReader(io.StringIO(client.get(f"/late/officers.csv?{query}").get_data(as_text=True).lstrip("\ufeff")))
    )
    assert [(r["officer_code"], int(r["late_files"]), int(r["days_late"])) for r in officers_csv] == [
        (o["officer_code"], o["late_files"], o["days_late"]) for o in officers_api
    ]
    page = soup(client.get(f"/late/officers?{query}"))
    assert [tr.th.get_text(strip=True) for tr in page.select("#late-view tbody tr")] == [
        r["officer_name"] for r in officers_csv
    ]


def test_published_figures_are_frozen_until_corrected_with_a_note(client, app):
    build(app, "2023-05")
    with app.app_context():
        session = get_session()
        assert import_cases(
            session,
            b"case_code,agency_code,received_at,due_at,finished_at\nC11,T.STP,2023-05-02,2023-05-04,2023-05-22\n",
        ).applied
        session.commit()
        # The database now counts a third late file, but the public figures do not move by themselves.
        assert sum(c.late for c in compute_month(session, Month(2023, 5)).agencies.values()) == 3
    assert client.get("/api/v1/late/agencies?month=2023-05").get_json()["totals"]["late"] == 2
    with app.app_context():
        session = get_session()
        with pytest.raises(PublishError, match="ghi chú"):
            publish_month(session, Month(2023, 5), Actor("test"))
        result = publish_month(session, Month(2023, 5), Actor("Văn phòng"), note="Bổ sung hồ sơ C11 nhập muộn.")
        assert result.revision == 2 and result.changed
        assert not publish_month(session, Month(2023, 5), Actor("test")).changed
        session.commit()
    assert client.get("/api/v1/late/agencies?month=2023-05").get_json()["totals"]["late"] == 3
    archive = client.get("/late/months").get_data(as_text=True)
    assert "Bổ sung hồ sơ C11 nhập muộn." in archive


def test_a_month_cannot_be_published_before_it_ends_or_when_empty(app):
    build(app)
    with app.app_context():
        session = get_session()
        with pytest.raises(PublishError, match="chưa kết thúc"):
            publish_month(session, Month(2023, 5), Actor("test"), now=dt.datetime(2023, 5, 31, 12, tzinfo=dt.UTC))
        with pytest.raises(PublishError, match="không có hồ sơ"):
            publish_month(session, Month(2021, 1), Actor("test"))


def test_months_end_and_are_published_on_vietnam_time(app, monkeypatch):
    """At 00:30 on 1 June in Vietnam it is still 31 May in UTC: May has ended for the province."""
    from app import clock
    from app.models import PublishedMonth

    build(app)
    monkeypatch.setattr(clock, "local_now", lambda: dt.datetime(2023, 6, 1, 0, 30))
    with app.app_context():
        session = get_session()
        assert publish_month(session, Month(2023, 5), Actor("test")).revision == 1
        published = session.scalar(select(PublishedMonth))
        assert published.published_at.replace(tzinfo=None) == dt.datetime(2023, 6, 1, 0, 30)
        session.commit()
    assert "01/06/2023" in app.test_client().get("/late/months").get_data(as_text=True)


def test_publish_month_command(runner, app):
    build(app)
    result = runner.invoke(args=["publish-month", "2023-05"])
    assert result.exit_code == 0, result.output
    assert "published 2023-05 (revision 1): 2 agencies, 5 resolved, 2 late, 2 officers" in result.output
    assert runner.invoke(args=["publish-month", "2023-5"]).exit_code == 1


def test_agency_page_and_home_show_the_published_months(client, app):
    build(app, "2023-05")
    agency = soup(client.get("/agencies/T.STP"))
    cells = [td.get_text(strip=True) for td in agency.select("#late-title ~ div table tbody td")]
    assert cells == ["4", "2", "50,0%", "60,0%", "0", "0", "50,0%"]
    assert agency.select_one("svg[role=img] title").get_text()
    home = client.get("/").get_data(as_text=True)
    assert "Giải quyết hồ sơ tháng 05/2023" in home and "60,0%" in home


def test_the_api_answers_as_its_description_says(client, app):
    build(app, "2023-05")
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/late/agencies", "/api/v1/late/officers"):
        schema = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        body = client.get(f"{path}?month=2023-05").get_json()
        assert set(body) == set(schema["properties"])
        assert set(body["items"][0]) == set(schema["properties"]["items"]["items"]["properties"])
        if "totals" in body:
            assert set(body["totals"]) == set(schema["properties"]["totals"]["properties"])


def test_officer_table_sorts_by_each_column(client, app):
    build(app, "2023-05")

    def codes(q):
        return [o["officer_code"] for o in client.get(f"/api/v1/late/officers?month=2023-05&{q}").get_json()["items"]]

    assert codes("") == ["O2", "O1"]  # most late files first
    assert codes("sort=late_files&dir=asc") == ["O1", "O2"]
    assert codes("sort=name") == ["O1", "O2"]  # Nguyễn before Trần
    assert codes("sort=name&dir=desc") == ["O2", "O1"]
    assert codes("agency=T.H1.X1") == []


def test_the_officer_page_is_paged_and_searched_by_name(client, app, monkeypatch):
    from app.late import tables

    build(app, "2023-05")
    monkeypatch.setattr(tables, "OFFICERS_PER_PAGE", 1)

    def shown(query):
        page = soup(client.get(f"/late/officers?month=2023-05&{query}"))
        return [a.get_text(strip=True) for a in page.select("table.data-table tbody th a")], page

    first, page = shown("")
    assert len(first) == 1 and page.select_one("nav.pagination a[rel=next]")
    second, page = shown("page=2")
    assert len(second) == 1 and second != first and not page.select_one("nav.pagination a[rel=next]")
    # Typed with or without the marks, any part of the name; downloads and the API follow the search.
    name = second[0]
    word = name.split()[-1]
    for typed in (word, fold(word)):
        found, page = shown(f"q={typed}")
        assert found == [name], typed
        assert "khớp" in page.select_one(".summary").get_text()
    api = client.get(f"/api/v1/late/officers?month=2023-05&q={fold(word)}").get_json()["items"]
    assert [o["officer_name"] for o in api] == [name]
    assert shown("q=không+có+ai")[0] == []
    assert client.get("/late/officers?month=2023-05&page=0").status_code == 400


def test_month_links_keep_the_filters(client, app):
    build(app, "2023-04", "2023-05")
    page = soup(client.get("/late?from=2023-04&to=2023-05&parent=T.H1&sort=name"))
    links = [a["href"] for a in page.select("nav.months a")]
    assert len(links) == 2 and all("parent=T.H1" in h and "sort=name" in h and "from=" not in h for h in links)
