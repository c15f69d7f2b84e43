"""Embeddable charts and tables: only /embed/ pages may be framed, each shows its source, period and
data with a link back; the pages offer their embed code; the trend charts' data download as CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests import late_world
from tests.conftest import make_app, soup
from tests.test_late_changes import two_months

EMBEDS = (
    "/embed/late/trend",
    "/embed/late/trend?agency=T.STP",
    "/embed/late/share?month=2023-05",
    "/embed/late/agencies?month=2023-05",
    "/embed/late/agencies?month=2023-05&compare=previous&sort=rank",
)


@pytest.fixture
def app(databases, tmp_path):
    return make_app(databases, tmp_path, SEARCH_BACKEND="null")


@pytest.fixture
def world(app):
    two_months(app)
    return app


def framing(response) -> str:
    found = re.search(r"frame-ancestors ([^;]+)", response.headers["Content-Security-Policy"])
    assert found, response.headers["Content-Security-Policy"]
    return found.group(1).strip()


def test_only_the_embed_pages_may_be_framed(world, client):
    """Every route of the site, asked with placeholder arguments: whatever it answers (a page, a 404, a
    redirect to the login), only /embed/ may be framed, and those keep the rest of the policy."""
    checked = 0
    for rule in world.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", "T.STP", rule.rule)
        response = client.get(path)
        if rule.rule.startswith("/embed/"):
            assert framing(response) == "*", path
            assert "X-Frame-Options" not in response.headers, path
            assert "script-src 'self'" in response.headers["Content-Security-Policy"], path
        else:
            assert framing(response) == "'none'", path
            assert response.headers["X-Frame-Options"] == "DENY", path
        checked += 1
    assert checked > 40


def test_the_framing_sites_are_a_setting(databases, tmp_path):
    app = make_app(
        databases, tmp_path, SEARCH_BACKEND="null", EMBED_FRAME_ANCESTORS="https://baokontum.com.vn https://*.gov.vn"
    )
    late_world.build(app, "2023-05")
    client = app.test_client()
    assert framing(client.get("/embed/late/trend")) == "https://baokontum.com.vn https://*.gov.vn"
    assert framing(client.get("/late")) == "'none'"


@pytest.mark.parametrize("path", EMBEDS)
def test_an_embed_shows_its_source_and_data_without_the_site_around_it(world, client, path):
    response = client.get(path)
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("html")["lang"] == "vi" and page.select_one("main h1").get_text(strip=True)
    assert page.select_one("header.site-header") is None and page.select_one("nav") is None
    assert page.select_one("base")["target"] == "_blank", "links open outside the frame"
    source = page.select_one("footer.embed-source")
    links = [a["href"] for a in source.select("a")]
    assert any(link.startswith("http://localhost/late") or "/agencies/" in link for link in links)
    assert any("/late/methodology" in link for link in links)
    # Every chart has its numbers in a table; every embed links to its data.
    if page.select_one("figure.chart"):
        assert page.select_one("details table.data-table tbody tr")
    assert any(".csv" in link for link in links)
    assert not page.select("script"), "an embed runs no script"


def test_an_agencys_trend_compares_with_the_province(world, client):
    page = soup(client.get("/embed/late/trend?agency=T.STP"))
    assert page.select_one("polyline.reference") and page.select_one("polyline.line:not(.reference)")
    headers = [th.get_text(strip=True) for th in page.select("thead th")]
    assert headers[-1] == "Tỷ lệ đúng hạn toàn tỉnh"
    rows = [[c.get_text(strip=True) for c in tr.select("th, td")] for tr in page.select("tbody tr")]
    assert rows == [["04/2023", "2", "0", "100,0%", "80,0%"], ["05/2023", "4", "2", "50,0%", "60,0%"]]
    # The province's own trend has one line.
    assert not soup(client.get("/embed/late/trend")).select_one("polyline.reference")


def test_bad_embed_parameters(world, client):
    assert client.get("/embed/late/trend?agency=NOPE").status_code == 400
    assert client.get("/embed/late/share?month=2023-13").status_code == 400
    assert client.get("/embed/late/agencies?month=2023-05&compare=week").status_code == 400
    assert client.get("/embed/late/agencies?month=2023-06").status_code == 404


def test_the_pages_offer_the_embed_code_of_their_charts(world, client):
    for path, expected in (
        ("/late?month=2023-05&compare=previous", {"/embed/late/agencies", "/embed/late/share", "/embed/late/trend"}),
        ("/agencies/T.STP", {"/embed/late/trend"}),
    ):
        page = soup(client.get(path))
        found = set()
        for box in page.select("details.embed-code textarea"):
            assert page.select_one(f"label[for='{box['id']}']"), "the code box is labelled"
            frame = soup_of(box.get_text()).select_one("iframe")
            assert frame["title"] and frame["loading"] == "lazy"
            src = frame["src"].replace("http://localhost", "")
            assert client.get(src).status_code == 200, src
            found.add(src.split("?")[0])
        assert found == expected, path
    page = soup(client.get("/late?month=2023-05&compare=previous"))
    table_src = page.select_one("#embed-table").get_text()
    assert "month=2023-05" in table_src and "compare=previous" in table_src


def soup_of(html: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def test_the_trend_data_download_equals_the_tables(world, client):
    rows = list(csv.DictReader(io.StringIO(client.get("/late/trend.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["month"] for r in rows] == ["2023-04", "2023-05"]
    for row in rows:
        totals = client.get(f"/api/v1/late/agencies?month={row['month']}").get_json()["totals"]
        assert int(row["late"]) == totals["late"] and int(row["resolved"]) == totals["resolved"]
        assert float(row["on_time_rate"]) == totals["on_time_rate"]
    agency = list(
        csv.DictReader(io.StringIO(client.get("/late/trend.csv?agency=T.STP").get_data(as_text=True).lstrip("\ufeff")))
    )
    assert [(r["month"], r["late"], r["province_on_time_rate"]) for r in agency] == [
        ("2023-04", "0", "80.0"),
        ("2023-05", "2", "60.0"),
    ]
    assert client.get("/late/trend.csv?agency=NOPE").status_code == 400


def test_a_phone_gets_charts_drawn_for_its_width():
    from app.late import charts

    months = [(f"2022-{m:02d}", 80.0 + m) for m in range(1, 13)]
    chart = charts.rate_chart(months, reference=[(m, 85.0) for m, _v in months])
    assert chart.width == 640 and all(p.labelled for p in chart.points)
    phone = chart.narrow
    assert phone.width == charts.NARROW and phone.narrow is None
    labelled = [p.label for p in phone.points if p.labelled]
    assert len(labelled) <= charts.MONTH_LABELS and labelled[-1] == "2022-12"
    assert len(phone.reference) == 12 and phone.points[0].x == phone.reference[0].x
    long_name = "Sở Lao động - Thương binh và Xã hội tỉnh Kon Tum"
    share = charts.share_chart([(long_name, 3), ("Sở Y tế", 1)], 4)
    assert share.bars[0].lines == [long_name], "one line on a wide screen"
    wrapped = share.narrow.bars[0].lines
    assert len(wrapped) == 2 and " ".join(wrapped) == long_name
    assert share.narrow.bars[1].y > share.bars[1].y, "the rows under a wrapped label move down"


def test_both_drawings_are_on_the_page_with_their_own_names(world, client):
    page = soup(client.get("/late?month=2023-05"))
    for figure in page.select("figure.chart"):
        wide, narrow = figure.select("svg.wide"), figure.select("svg.narrow")
        assert len(wide) == len(narrow) == 1
        titles = [svg["aria-labelledby"].split()[0] for svg in (wide[0], narrow[0])]
        assert titles[0] != titles[1] and all(page.select_one(f"#{t}") for t in titles)
