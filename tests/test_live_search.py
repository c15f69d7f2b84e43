"""Live search swaps everything the question changes: the results and the filters' counts, the same
markup as a full load of the URL htmx pushes; the search box being typed in is never swapped."""

from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup

from app.imports.agencies import import_agencies
from app.imports.procedures import import_procedures
from tests.conftest import load, soup
from tests.fragments import swapped

FORM = ("q", "level", "field", "agency", "online", "postal")
ASKED = [
    {"q": "khai sinh"},
    {"q": "cap giay phep"},
    {"q": "chung thuc", "online": "online"},
    {"q": "ho tich", "level": "xa"},
    {"q": "dang ky ket hon", "field": "ho-tich"},
    {"q": "khai sinh", "agency": "T.H1.X1", "postal": "1"},
    {"postal": "1"},
]


@pytest.fixture
def catalogue(app):
    load(
        app,
        (import_agencies, "agencies.csv"),
        (import_procedures, "national-sample.jsonl"),
        (import_procedures, "search-procedures.csv"),
    )
    return app


def pushed(asked: dict) -> str:
    """The URL htmx asks for and pushes: every field of the form, the empty ones too."""
    return "/procedures?" + urlencode({name: asked.get(name, "") for name in FORM})


def filters(markup: str) -> dict[str, list[tuple[str, str, bool]]]:
    """Each filter's options as a person sees them: value, label with its count, selected or not."""
    return {
        select["id"]: [(o["value"], o.get_text(strip=True), o.has_attr("selected")) for o in select.select("option")]
        for select in BeautifulSoup(markup, "html.parser").select("select")
    }


def count(label: str) -> int:
    return int(label.rsplit("(", 1)[1].rstrip(")").replace(".", ""))


@pytest.mark.parametrize("asked", ASKED, ids=lambda asked: urlencode(asked))
def test_the_counts_live_search_shows_are_those_of_the_pushed_url(client, catalogue, asked):
    url = pushed(asked)
    _results, out_of_band = swapped(client.get(url, headers={"HX-Request": "true"}))
    whole = soup(client.get(url))
    assert filters(out_of_band["facets"]) == filters(str(whole.select_one("#facets")))
    assert filters(out_of_band["facets"]) != {}


def test_the_counts_describe_the_results_not_the_whole_catalogue(client, catalogue):
    everything = filters(str(soup(client.get("/procedures")).select_one("#facets")))
    _results, out_of_band = swapped(client.get(pushed({"q": "khai sinh"}), headers={"HX-Request": "true"}))
    shown = filters(out_of_band["facets"])
    assert shown["field"] != everything["field"]
    for value, label, _selected in shown["field"]:
        if value:
            found = client.get("/api/v1/procedures", query_string={"q": "khai sinh", "field": value}).get_json()
            assert found["total"] == count(label), value


def test_the_fragment_leaves_the_search_box_alone(client, catalogue):
    fragment = soup(client.get(pushed({"q": "khai sinh"}), headers={"HX-Request": "true"}))
    assert fragment.select_one("#q") is None and fragment.select_one("form") is None
    assert [element["id"] for element in fragment.select("[hx-swap-oob]")] == ["facets"]


def test_without_javascript_the_filters_are_fields_of_a_plain_form(client, catalogue):
    page = soup(client.get("/procedures?q=khai+sinh&level=xa"))
    form = page.select_one("form.filters")
    assert form["method"] == "get" and form["action"] == "/procedures"
    assert page.select_one("#facets").find_parent("form") is form
    assert {select["name"] for select in form.select("select")} == {"level", "field", "agency", "online", "postal"}
    assert form.select_one("button[type=submit]") and page.select("[hx-swap-oob]") == []
    assert page.select_one("#level option[selected]")["value"] == "xa"
