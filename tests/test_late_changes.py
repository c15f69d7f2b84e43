"""Changes over time: each agency's late files, on-time rate and rank against the period before (or the
same months a year earlier), computed exactly from the published tables, on the page, the API and
the downloads."""

import csv
import io

import openpyxl
import pytest

from app.audit import Actor
from app.db import get_session
from app.imports.cases import import_cases
from app.late.changes import CHANGE_TABLE, comparison_period, ranks
from app.late.rules import Month
from app.late.store import publish_month
from app.late.tables import AgencyRow, Period
from tests.conftest import make_app, soup
from tests.late_world import build

# Files resolved in April 2023 beside the small province's May: the department is on time then
# (2 of 2, first), the commune late once (2 of 3, second); in May they change places.
APRIL = b"""case_code,procedure_code,agency_code,received_at,due_at,finished_at,status,apology_sent,officer_code
A1,,T.STP,2023-04-03,2023-04-07,2023-04-05 10:00,,,O1
A2,,T.STP,2023-04-03,2023-04-07,2023-04-07 16:00,,,O1
A3,,T.H1.X1,2023-04-10,2023-04-14,2023-04-14 10:00,,,O3
A4,,T.H1.X1,2023-04-10,2023-04-14,2023-04-20 09:00,,,O3
A5,,T.H1.X1,2023-04-11,2023-04-14,2023-04-12 09:00,,,O3
"""


def two_months(app) -> None:
    build(app)
    with app.app_context():
        session = get_session()
        assert import_cases(session, APRIL).applied
        for month in ("2023-04", "2023-05"):
            publish_month(session, Month.parse(month), Actor("test"))
        session.commit()


@pytest.fixture
def app(databases, tmp_path):
    return make_app(databases, tmp_path, SEARCH_BACKEND="null")


def period(first: str, last: str) -> Period:
    return Period(Month.parse(first), Month.parse(last))


@pytest.mark.parametrize(
    ("first", "last", "how", "expected"),
    [
        ("2023-05", "2023-05", "previous", ("2023-04", "2023-04")),
        ("2023-01", "2023-01", "previous", ("2022-12", "2022-12")),
        ("2023-01", "2023-03", "previous", ("2022-10", "2022-12")),
        ("2023-01", "2023-03", "year", ("2022-01", "2022-03")),
        ("2022-11", "2023-02", "year", ("2021-11", "2022-02")),
    ],
)
def test_the_comparison_period(first, last, how, expected):
    before = comparison_period(period(first, last), how)
    assert (str(before.first), str(before.last)) == expected


def test_ranks_share_equal_rates_and_skip_agencies_without_a_rate():
    def row(code, resolved, on_time):
        return AgencyRow(code, code, None, resolved=resolved, on_time=on_time, late=resolved - on_time)

    rows = [row("a", 10, 7), row("b", 10, 9), row("c", 4, 3), row("d", 8, 6), row("e", 0, 0), row("f", 1, 1)]
    # f 100%, b 90%, c and d 75%, a 70%; e resolved nothing.
    assert ranks(rows) == {"f": 1, "b": 2, "c": 3, "d": 3, "a": 5}


def api(client, query: str) -> dict:
    response = client.get(f"/api/v1/late/{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def expected_ranks(items: list[dict]) -> dict[str, int]:
    """Competition ranks by on-time rate, counted here from the API's own items."""
    rated = [i for i in items if i["on_time_rate"] is not None]
    return {i["agency_code"]: 1 + sum(j["on_time_rate"] > i["on_time_rate"] for j in rated) for i in rated}


def test_month_over_month_changes_by_hand(client, app):
    two_months(app)
    body = api(client, "changes?month=2023-05&compare=previous")
    got = {i["agency_code"]: i for i in body["items"]}
    assert got["T.STP"] == {
        "agency_code": "T.STP",
        "agency_name": "Sở Tư pháp tỉnh Thử Nghiệm",
        "late": 2,
        "late_before": 0,
        "late_change": 2,
        "on_time_rate": 50.0,
        "on_time_rate_before": 100.0,
        "on_time_rate_change": -50.0,
        "rank": 2,
        "rank_before": 1,
        "rank_change": -1,
    }
    commune = got["T.H1.X1"]
    assert (commune["late_before"], commune["late_change"]) == (1, -1)
    assert (commune["on_time_rate_before"], commune["on_time_rate_change"]) == (66.7, 33.3)
    assert (commune["rank"], commune["rank_before"], commune["rank_change"]) == (1, 2, 1)
    assert body["totals"]["late_change"] == 1 and body["totals"]["on_time_rate_before"] == 80.0
    # The default order: the largest rise in late files first.
    assert [i["agency_code"] for i in body["items"]] == ["T.STP", "T.H1.X1"]
    assert [i["agency_code"] for i in api(client, "changes?month=2023-05&sort=rank_change")["items"]] == [
        "T.H1.X1",
        "T.STP",
    ]


def test_month_over_month_changes_equal_the_published_tables(client, app):
    two_months(app)
    april = api(client, "agencies?month=2023-04")
    may = api(client, "agencies?month=2023-05")
    body = api(client, "changes?month=2023-05&compare=previous")
    assert body["period"] == {"from": "2023-05", "to": "2023-05"}
    assert body["compare"] == {"from": "2023-04", "to": "2023-04", "compare": "previous", "published": True}
    before = {i["agency_code"]: i for i in april["items"]}
    rank_now, rank_before = expected_ranks(may["items"]), expected_ranks(april["items"])
    assert [i["agency_code"] for i in body["items"]]
    assert {i["agency_code"] for i in body["items"]} == {i["agency_code"] for i in may["items"]}
    for item in body["items"]:
        now = next(i for i in may["items"] if i["agency_code"] == item["agency_code"])
        old = before.get(item["agency_code"])
        assert item["late"] == now["late"] and item["on_time_rate"] == now["on_time_rate"]
        assert item["late_before"] == (old["late"] if old else None)
        assert item["late_change"] == (now["late"] - old["late"] if old else None)
        if old and now["on_time_rate"] is not None and old["on_time_rate"] is not None:
            assert item["on_time_rate_change"] == round(now["on_time_rate"] - old["on_time_rate"], 1)
        assert item["rank"] == rank_now.get(item["agency_code"])
        assert item["rank_before"] == rank_before.get(item["agency_code"])
        if item["rank"] and item["rank_before"]:
            assert item["rank_change"] == item["rank_before"] - item["rank"]
    totals = body["totals"]
    assert totals["late"] == may["totals"]["late"] and totals["late_before"] == april["totals"]["late"]
    assert totals["late_change"] == may["totals"]["late"] - april["totals"]["late"]
    assert totals["on_time_rate_change"] == round(may["totals"]["on_time_rate"] - april["totals"]["on_time_rate"], 1)
    assert "rank" not in totals


def test_a_comparison_period_not_published_compares_nothing(client, app):
    build(app, "2023-04", "2023-05")
    body = api(client, "changes?month=2023-05&compare=year")
    assert body["compare"] == {"from": "2022-05", "to": "2022-05", "compare": "year", "published": False}
    assert body["items"] and all(i["late_before"] is None and i["late_change"] is None for i in body["items"])
    assert all(i["rank"] is not None or i["on_time_rate"] is None for i in body["items"])
    page = soup(client.get("/late?month=2023-05&compare=year"))
    assert "chưa được công bố" in page.select_one(".notice").get_text()


@pytest.mark.parametrize("query", ["compare=week", "compare=previous&sort=nope", "compare=previous&dir=up"])
def test_bad_comparison_parameters_are_400(client, app, query):
    build(app, "2023-05")
    for path in ("/api/v1/late/changes", "/late", "/late/agencies.csv", "/late/agencies.xlsx"):
        response = client.get(f"{path}?month=2023-05&{query}")
        assert response.status_code == 400, (path, query)


def test_the_page_sorts_the_changes_and_switching_keeps_working(client, app):
    two_months(app)
    page = soup(client.get("/late?month=2023-05&compare=previous&sort=rank"))
    headers = [th.get_text(" ", strip=True) for th in page.select("table.data-table thead th")]
    assert any(h.startswith("Thay đổi số trễ hạn") for h in headers)
    assert page.select_one("th[aria-sort='ascending']").get_text(strip=True).startswith("Thứ hạng")
    assert page.select_one("#compare option[selected]")["value"] == "previous"
    # The form keeps the sort when the comparison is switched off: a sort of the other table falls back.
    response = client.get("/late?month=2023-05&compare=&sort=late_change&dir=desc")
    assert response.status_code == 200
    assert soup(response).select_one("th[aria-sort]").get_text(strip=True).startswith("Trễ hạn")
    response = client.get("/late?month=2023-05&compare=previous&sort=resolved")
    assert response.status_code == 200
    # Signed changes in Vietnamese style.
    cells = {
        td["data-label"]: td.get_text(strip=True) for td in page.select("table.data-table tbody tr")[1].select("td")
    }
    assert cells["Thay đổi tỷ lệ (điểm phần trăm)"] == "−50,0"
    assert cells["Thay đổi số trễ hạn"] == "+2"
    assert (
        "Kỳ so sánh: Tháng 04/2023, 1 hồ sơ trễ hạn, tỷ lệ đúng hạn 80,0%. Thay đổi: trễ hạn +1 hồ sơ"
        in page.get_text(" ")
    )


def test_downloads_of_the_changes_equal_the_api(client, app):
    two_months(app)
    body = api(client, "changes?month=2023-05&compare=previous")
    response = client.get("/late/agencies.csv?month=2023-05&compare=previous")
    assert response.status_code == 200
    assert "thay-doi" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    data = [r for r in rows if r["agency_code"]]
    assert [r["agency_code"] for r in data] == [i["agency_code"] for i in body["items"]]
    for row, item in zip(data, body["items"], strict=True):
        assert row["late_change"] == ("" if item["late_change"] is None else str(item["late_change"]))
    response = client.get("/late/agencies.xlsx?month=2023-05&compare=previous")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(values) if "Thay đổi số trễ hạn" in row)
    assert values[header] == [c.label or c.heading for c in CHANGE_TABLE.csv_columns()]
    change = values[header].index("Thay đổi số trễ hạn")
    got = [row[change] for row in values[header + 1 : header + 1 + len(body["items"])]]
    assert got == [i["late_change"] for i in body["items"]]


def test_the_api_describes_the_changes(client, app):
    build(app, "2023-05")
    described = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/late/changes"]["get"]
    properties = described["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
    assert set(properties["items"]["items"]["properties"]) == {c.api for c in CHANGE_TABLE.columns if c.api}
    assert properties["compare"]["properties"]["published"] == {"type": "boolean"}
    assert {p["name"] for p in described["parameters"]} >= {"month", "from", "to", "compare", "sort", "dir"}
