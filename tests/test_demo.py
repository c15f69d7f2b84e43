"""The demo (SPEC §7): Kon Tum's agencies, real procedures, and eight months of case files whose
published totals are the notice's figures."""

import pytest
from sqlalchemy import select

from app.db import get_session
from app.models import Agency
from seed import late_demo
from tests.conftest import make_app, soup

pytestmark = pytest.mark.slow  # seeds the whole demo: about a minute


@pytest.fixture(scope="module")
def demo(databases, tmp_path_factory):
    """The demo loaded once for this module through the `seed-demo` command."""
    app = make_app(databases, tmp_path_factory.mktemp("demo"))
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return app, result.output


def test_seed_demo_loads_kon_tum_and_real_procedures(demo):
    app, output = demo
    assert "imported 58, updated 0, rejected 0" in output
    assert "imported 1601, updated 0, rejected 0" in output
    assert "published 2022-08 (revision 1)" in output
    with app.app_context():
        root = get_session().scalar(select(Agency).where(Agency.code == "H34"))
        assert root.name == "Ủy ban nhân dân tỉnh Kon Tum" and len(root.children) == 30
    again = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert "already loaded" in again.output


def test_the_api_gives_the_notices_figures(demo):
    client = demo[0].test_client()
    body = client.get("/api/v1/late/agencies?from=2022-01&to=2022-08").get_json()
    assert (body["totals"]["resolved"], body["totals"]["late"], body["totals"]["on_time_rate"]) == (
        183_854,
        21_686,
        88.2,
    )
    stnmt = next(i for i in body["items"] if i["agency_code"] == "H34.STNMT")
    assert (stnmt["late"], stnmt["pending_overdue"]) == (13_407, 2_252)
    assert round(stnmt["late"] * 100 / body["totals"]["late"], 1) == 61.8
    assert body["items"][0]["agency_code"] == "H34.STNMT"  # the most late files first


def test_the_page_shows_them_in_vietnamese_style(demo):
    page = soup(demo[0].test_client().get("/late?from=2022-01&to=2022-08"))
    total = [td.get_text(strip=True) for td in page.select("#late-view tfoot td")]
    assert total[0] == "183.854" and total[3] == "21.686" and total[4] == "88,2%"
    first = page.select_one("#late-view tbody tr")
    assert "Sở Tài nguyên và Môi trường" in first.th.get_text()
    assert [td.get_text(strip=True) for td in first.select("td")][3:6:2] == ["13.407", "2.252"]


def test_the_demo_has_variety(demo):
    client = demo[0].test_client()
    months = [client.get(f"/api/v1/late/agencies?month=2022-0{m}").get_json()["totals"] for m in range(1, 9)]
    rates = [m["on_time_rate"] for m in months]
    assert len(set(rates)) == 8 and max(rates) - min(rates) > 2  # better and worse months
    apologies = sum(m["apologies"] for m in months)
    assert 0.5 * 21_686 < apologies < 21_686  # most late files, not all
    officers = client.get("/api/v1/late/officers?from=2022-01&to=2022-08").get_json()["items"]
    files = sorted((o["late_files"] for o in officers), reverse=True)
    assert files[0] > 10 * files[len(files) // 2]  # a few chronic latecomers
    sizes = [i["resolved"] for i in client.get("/api/v1/late/agencies?from=2022-01&to=2022-08").get_json()["items"]]
    assert max(sizes) > 50 * min(sizes)


def test_the_demo_has_ratings_and_answered_feedback_without_contact_details(demo):
    client = demo[0].test_client()
    body = client.get("/api/v1/satisfaction?from=2022-01&to=2022-08").get_json()
    totals = body["totals"]
    assert totals["ratings"] + totals["unverified_ratings"] == 640 and 0 < totals["ratings"] < 640
    assert len(body["items"]) > 10
    stnmt = next(i for i in body["items"] if i["agency_code"] == "H34.STNMT")
    assert stnmt["satisfied_pct"] < body["totals"]["satisfied_pct"], "the late department is rated lower"
    page = soup(client.get("/satisfaction?from=2022-01&to=2022-08"))
    assert len(page.select("#officers-title ~ div tbody tr")) >= 5
    answers = client.get("/feedback").get_data(as_text=True)
    assert answers.count('class="result"') == 20 and 'rel="next"' in answers
    for private in ("demo.nguoi.gui@example.vn", "Nguyễn Văn Demo", "0905 000 111", "Trần Thị Minh Họa"):
        assert private not in answers
    assert "Quảng cáo vay tiền" not in answers


def test_the_demo_has_events_that_change_no_figure_of_the_notice(demo):
    client = demo[0].test_client()
    august = client.get("/api/v1/late/agencies?month=2022-08").get_json()["totals"]
    assert august["waiting_applicant"] > 0  # files waiting for the applicant's documents at the end of August
    months = [client.get(f"/api/v1/late/agencies?month=2022-0{m}").get_json()["totals"] for m in range(1, 9)]
    assert sum(m["repeat_supplement"] for m in months) > 0
    files = client.get("/api/v1/late/files?month=2022-08&per_page=100").get_json()
    assert files["total"] == august["late"]
    pages = [files] + [
        client.get(f"/api/v1/late/files?month=2022-08&per_page=100&page={p}").get_json() for p in range(2, 6)
    ]
    items = [item for page in pages for item in page["items"]]
    assert any(item["reason"] for item in items) and not all(item["reason"] for item in items)
    assert any(item["rescheduled_to"] for item in items)
    assert {item["apology"] for item in items} == {True, False}
    page = soup(client.get("/late/files?month=2022-08&agency=H34.STNMT"))
    text = page.get_text(" ", strip=True)
    assert any(reason in text for reason in late_demo.LAND_REASONS)  # the land department's own reasons
