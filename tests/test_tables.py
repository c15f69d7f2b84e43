"""The public tables from their column specs: every sort key and direction shows the order the rows
are in, the CSV and the API keep their keys, and the criteria set in force sets the maximum score."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from app.audit import Actor
from app.codes import N_
from app.columns import Column, Table
from app.db import get_session
from app.feedback import service, stats
from app.feedback.criteria import criteria_set
from app.imports.agencies import import_agencies
from app.imports.cases import import_cases, import_events
from app.imports.people import import_officers
from app.late import tables
from app.late.rules import Month
from app.late.store import publish_month
from app.models import Agency
from app.params import BadParameter
from tests.conftest import load, make_app, soup
from tests.late_world import WORLD, receipt_token

# A third agency with files of its own (one still pending), and three more late files for the
# commune's officer, so that every column holds different values in different rows.
MORE_CASES = b"""case_code,agency_code,received_at,due_at,finished_at,apology_sent,officer_code
C20,T.H1,2023-05-02,2023-05-10,2023-05-04 10:00,,
C21,T.H1,2023-05-02,2023-05-10,2023-05-10 09:00,,
C23,T.H1,2023-05-02,2023-05-10,2023-05-05 09:00,,
C25,T.H1,2023-05-02,2023-05-10,2023-05-10 16:00,,
C24,T.H1,2023-05-02,2023-05-10,,,
C26,T.H1,2023-05-02,2023-05-10,2023-05-08 10:00,,
C22,T.H1.X1,2023-05-02,2023-05-03,2023-05-12 10:00,,O3
C27,T.H1.X1,2023-05-02,2023-05-03,2023-05-22 10:00,,O3
C28,T.H1.X1,2023-05-02,2023-05-03,2023-05-05 10:00,1,O3
"""
# The third agency's pending file waits for the applicant; one of its files was asked twice.
MORE_EVENTS = b"""case_code,event,at
C24,supplement_requested,2023-05-08 09:00
C26,supplement_requested,2023-05-03 09:00
C26,supplement_received,2023-05-03 15:00
C26,supplement_requested,2023-05-04 09:00
C26,supplement_received,2023-05-05 09:00
"""
ALL = {n: 2 for n in range(1, 10)}
# (agency, case code verifying the rating or None, overall, scores)
RATINGS = [
    ("T.STP", "C1", "very_satisfied", ALL),
    ("T.STP", "C2", "satisfied", {**ALL, 1: 0, 2: 0}),
    ("T.STP", "C3", "unsatisfied", {**ALL, 3: 1}),
    ("T.STP", None, "satisfied", {}),
    ("T.H1.X1", "C9", "satisfied", {**ALL, 9: 0}),
    ("T.H1.X1", "C22", "satisfied", ALL),
    ("T.H1", None, "unsatisfied", {1: 1}),
]

PAGES = {"/late": tables.AGENCY_TABLE, "/late/officers": tables.OFFICER_TABLE, "/satisfaction": stats.AGENCY_TABLE}
QUERY = {"/late": "month=2023-05&", "/late/officers": "month=2023-05&", "/satisfaction": ""}


def build_world(app) -> None:
    """The small province with a third agency, May published, and ratings of this month (shares
    shown from one verified rating)."""
    app.config["SATISFACTION_MIN_RATINGS"] = 1
    load(app, *WORLD)
    with app.app_context():
        session = get_session()
        assert import_cases(session, MORE_CASES).applied
        assert import_events(session, MORE_EVENTS).applied
        for month in ("2023-04", "2023-05"):
            publish_month(session, Month.parse(month), Actor("test"))
        criteria = criteria_set(app.config["RATING_CRITERIA"])
        for code, case, overall, scores in RATINGS:
            agency = session.scalar(select(Agency).where(Agency.code == code))
            facts = service.case_facts(session, case, receipt_token(session, case)) if case else None
            service.submit_rating(session, criteria, overall=overall, scores=scores, agency=agency, facts=facts)
        session.commit()


@pytest.fixture
def world(app, client):
    build_world(app)
    return client


def figure(text: str):
    """A cell as a reader sees it, back to a number: `1.234` → 1234, `88,2%` → 88.2, `–` → None."""
    text = text.strip()
    if text in ("", "–"):
        return None
    return float(text.rstrip("%").replace(".", "").replace(",", "."))


def column_values(page, index: int, column: Column) -> list:
    values = []
    for tr in page.select_one("#late-view table.data-table").select("tbody tr"):
        text = tr.find_all(["th", "td"])[index].get_text(strip=True)
        values.append(text if column.format == "text" else figure(text))
    return values


def in_order(values: list, descending: bool) -> bool:
    keys = [(v is not None, v) for v in values]  # a missing figure is below every number
    return keys == sorted(keys, reverse=descending)


@pytest.mark.parametrize("path", PAGES)
def test_every_sort_key_and_direction_shows_the_order_of_the_rows(world, path):
    spec = PAGES[path]
    for key, column in spec.sorts.items():
        for direction in ("asc", "desc", ""):
            response = world.get(f"{path}?{QUERY[path]}sort={key}&dir={direction}")
            assert response.status_code == 200, (path, key, direction)
            page = soup(response)
            headers = page.select_one("#late-view table.data-table").select("thead th")
            # The late tables end with a column linking each row to its late files.
            extra = ["Hồ sơ trễ"] if path.startswith("/late") else []
            assert [h.get_text(strip=True).rstrip("▲▼ ") for h in headers] == [
                c.label.replace("%(max)s", "18") for c in spec.shown
            ] + extra
            current = [h for h in headers if h.has_attr("aria-sort")]
            assert len(current) == 1, (path, key, direction)
            assert headers.index(current[0]) == spec.shown.index(column)
            descending = {"asc": False, "desc": True, "": column.descending}[direction]
            assert current[0]["aria-sort"] == ("descending" if descending else "ascending")
            assert current[0].select_one("span[aria-hidden]").text == ("▼" if descending else "▲")
            values = column_values(page, spec.shown.index(column), column)
            assert len(set(values)) > 1, f"{path} {key}: the fixture gives this column one value only"
            assert in_order(values, descending), (path, key, direction, values)
            # The header's link turns the order round; the picker shows the sort the rows are in.
            assert f"dir={'asc' if descending else 'desc'}" in current[0].a["href"]
            assert page.select_one("#sort option[selected]")["value"] == key


@pytest.mark.parametrize("path", PAGES)
def test_without_a_sort_the_default_column_is_marked(world, path):
    spec = PAGES[path]
    page = soup(world.get(f"{path}?{QUERY[path]}"))
    current = page.select_one("#late-view th[aria-sort]")
    default = spec.sorts[spec.default_sort]
    assert current.get_text(strip=True).rstrip("▲▼ ") == default.label.replace("%(max)s", "18")
    assert current["aria-sort"] == "descending"
    values = column_values(page, spec.shown.index(default), default)
    assert in_order(values, True)


def test_the_reported_slips_are_mended(world):
    page = soup(world.get("/late?month=2023-05&sort=late&dir="))
    assert page.select_one("th[aria-sort]")["aria-sort"] == "descending"
    assert column_values(page, 4, tables.AGENCY_TABLE.column("late")) == [3, 2, 1]
    page = soup(world.get("/satisfaction?sort=name"))
    names = column_values(page, 0, stats.AGENCY_TABLE.column("agency_name"))
    assert page.select_one("th[aria-sort]")["aria-sort"] == "ascending" and names == sorted(names)


@pytest.mark.parametrize("query", ["sort=bogus", "dir=up", "sort=late_share", "dir=ASC", "sort=agency_name"])
def test_bad_sorts_are_400_everywhere(world, query):
    for path in (
        "/late",
        "/late/agencies.csv",
        "/api/v1/late/agencies",
        "/late/officers",
        "/late/officers.csv",
        "/api/v1/late/officers",
        "/satisfaction",
        "/satisfaction.csv",
        "/api/v1/satisfaction",
    ):
        response = world.get(f"{path}?month=2023-05&{query}" if "late" in path else f"{path}?{query}")
        assert response.status_code == 400, (path, query)


def test_one_sort_rule_parses_against_the_spec():
    spec = tables.AGENCY_TABLE
    assert (spec.parse_sort({}).key, spec.parse_sort({}).descending) == ("late", True)
    assert spec.parse_sort({"sort": "name", "dir": ""}).descending is False
    assert spec.parse_sort({"sort": "on_time_rate"}).descending is False
    assert spec.parse_sort({"sort": "name", "dir": "desc"}).descending is True
    assert stats.AGENCY_TABLE.parse_sort({"sort": "unverified_ratings"}).column == "unverified_ratings"
    assert tables.OFFICER_TABLE.parse_sort({}).key == "late_files"
    assert stats.AGENCY_TABLE.parse_sort({}).key == "ratings"
    with pytest.raises(BadParameter) as raised:
        spec.parse_sort({"sort": "bogus"})
    assert raised.value.name == "sort" and "on_time_rate" in raised.value.allowed
    with pytest.raises(BadParameter):
        spec.parse_sort({"dir": "sideways"})
    with pytest.raises(ValueError):
        Table((Column("a", N_("A"), sort="a"),), default_sort="b", ties=())


def test_the_sort_keys_are_those_of_the_public_contract():
    assert set(tables.AGENCY_TABLE.sorts) == {
        "name",
        "resolved",
        "early",
        "on_time",
        "late",
        "on_time_rate",
        "pending_overdue",
        "apologies",
        "waiting_applicant",
        "repeat_supplement",
        "national_rate",
    }
    assert set(tables.OFFICER_TABLE.sorts) == {"name", "agency", "late_files", "days_late"}
    assert set(stats.AGENCY_TABLE.sorts) == {"name", "ratings", "satisfied_pct", "average_score", "unverified_ratings"}


CSV_HEADERS = {
    "/late/agencies.csv?month=2023-05": (
        tables.AGENCY_TABLE,
        [
            "agency_code",
            "agency_name",
            "resolved",
            "early",
            "on_time",
            "late",
            "on_time_rate",
            "pending_overdue",
            "apologies",
            "waiting_applicant",
            "repeat_supplement",
            "pending",
            "national_rate",
        ],
    ),
    "/late/officers.csv?month=2023-05": (
        tables.OFFICER_TABLE,
        ["officer_code", "officer_name", "officer_title", "agency_code", "agency_name", "late_files", "days_late"],
    ),
    "/satisfaction.csv": (
        stats.AGENCY_TABLE,
        [
            "agency_code",
            "agency_name",
            "ratings",
            "satisfied_pct",
            "average_score",
            "very_satisfied",
            "satisfied",
            "unsatisfied",
            "scored_all_criteria",
            "unverified_ratings",
            "unverified_satisfied_pct",
        ],
    ),
}
API_KEYS = {
    "/api/v1/late/agencies?month=2023-05": (
        tables.AGENCY_TABLE,
        {
            "agency_code",
            "agency_name",
            "resolved",
            "early",
            "on_time",
            "late",
            "on_time_rate",
            "pending_overdue",
            "apologies",
            "waiting_applicant",
            "repeat_supplement",
            "pending",
            "national_rate",
        },
    ),
    "/api/v1/late/officers?month=2023-05": (
        tables.OFFICER_TABLE,
        {"officer_code", "officer_name", "officer_title", "agency_code", "late_files", "days_late"},
    ),
    "/api/v1/satisfaction": (
        stats.AGENCY_TABLE,
        {
            "agency_code",
            "agency_name",
            "ratings",
            "satisfied_pct",
            "average_score",
            "very_satisfied",
            "satisfied",
            "unsatisfied",
            "scored_all_criteria",
            "unverified_ratings",
            "unverified_satisfied_pct",
        },
    ),
}


def read_csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize("path", CSV_HEADERS)
def test_csv_keeps_its_header_and_is_written_one_way(world, path):
    spec, header = CSV_HEADERS[path]
    response = world.get(path)
    assert response.content_type == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.endswith('.csv"')
    rows = read_csv(response)
    assert rows[0] == header == spec.csv_header()
    assert len(rows) > 2 and all(len(r) == len(header) for r in rows)


def test_the_late_agency_csv_still_ends_with_its_totals(world):
    rows = read_csv(world.get("/late/agencies.csv?month=2023-05"))
    api = world.get("/api/v1/late/agencies?month=2023-05").get_json()
    assert rows[-1][:3] == ["", "Tổng cộng", str(api["totals"]["resolved"])]
    assert [r[0] for r in rows[1:-1]] == [i["agency_code"] for i in api["items"]]


def test_the_satisfaction_csv_equals_the_api(world):
    rows = read_csv(world.get("/satisfaction.csv?sort=name"))
    items = world.get("/api/v1/satisfaction?sort=name").get_json()["items"]
    assert len(items) >= 2 and len(rows) == len(items) + 1

    def as_text(v):
        return "" if v is None else str(v)

    assert [dict(zip(rows[0], r)) for r in rows[1:]] == [{k: as_text(i[k]) for k in rows[0]} for i in items]


@pytest.mark.parametrize("path", API_KEYS)
def test_the_api_keeps_its_keys_and_its_description_follows_the_spec(world, path):
    spec, keys = API_KEYS[path]
    body = world.get(path).get_json()
    assert body["items"] and all(set(item) == keys for item in body["items"])
    assert keys == {c.api for c in spec.columns if c.api}
    if spec.totals_label:
        assert set(body["totals"]) == {c.api for c in spec.columns if c.api and c.total}
    schema = world.get("/api/v1/openapi.json").get_json()["paths"][path.split("?")[0]]["get"]
    properties = schema["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
    assert set(properties["items"]["items"]["properties"]) == keys
    sort = next(p for p in schema["parameters"] if p["name"] == "sort")
    assert all(key in sort["description"] for key in spec.sorts)


def test_every_label_of_the_specs_has_english():
    with open("app/translations/en/LC_MESSAGES/messages.po", "rb") as handle:
        english = read_po(handle)
    labels = {c.label for spec in PAGES.values() for c in spec.columns if c.label}
    labels |= {spec.totals_label for spec in PAGES.values() if spec.totals_label}
    assert len(labels) >= 15, "every spec's labels are collected"
    assert sorted(m for m in labels if not (english.get(m) and english.get(m).string)) == []


def test_english_pages_translate_the_spec_labels(world):
    page = soup(world.get("/en/satisfaction"))
    headers = [
        h.get_text(strip=True).rstrip("▲▼ ") for h in page.select_one("#late-view table.data-table").select("thead th")
    ]
    assert headers[0] == "Agency" and "Average score (/18)" in headers
    assert page.select_one("#late-view tfoot th").get_text(strip=True) != "Toàn tỉnh"


def test_htmx_gets_the_same_satisfaction_table(world):
    full = soup(world.get("/satisfaction?sort=average_score&dir=asc"))
    fragment = soup(world.get("/satisfaction?sort=average_score&dir=asc", headers={"HX-Request": "true"}))
    assert str(fragment.select_one("table.data-table")) == str(full.select_one("#late-view table.data-table"))


FIVE = '[sets."thu-2025"]\ntitle = "Bộ thử"\n' + "".join(
    f'[[sets."thu-2025".criteria]]\ntext = "Tiêu chí {n}"\nlevels = ["Kém", "Được", "Tốt"]\n' for n in range(1, 6)
)


def test_a_criteria_set_of_five_sets_the_maximum_score_everywhere(databases, tmp_path):
    data = tmp_path / "criteria.toml"
    data.write_text(FIVE, encoding="utf-8")
    app = make_app(
        databases,
        tmp_path / "five",
        RATING_CRITERIA="thu-2025",
        RATING_CRITERIA_FILE=str(data),
        SATISFACTION_MIN_RATINGS=1,
    )
    load(app, *WORLD)
    with app.app_context():
        session = get_session()
        agency = session.scalar(select(Agency).where(Agency.code == "T.STP"))
        service.submit_rating(
            session,
            criteria_set("thu-2025", data),
            overall="satisfied",
            scores={n: 2 for n in range(1, 6)},
            agency=agency,
            facts=service.case_facts(session, "C1", receipt_token(session, "C1")),
        )
        session.commit()
    client = app.test_client()
    page = soup(client.get("/satisfaction"))
    assert "đủ 5 tiêu chí (tối đa 10 điểm)" in page.select_one(".lead").get_text()
    assert page.select_one(".summary").get_text(strip=True).endswith("điểm trung bình 10,0/10.")
    assert "Điểm trung bình (/10)" in [th.get_text(strip=True) for th in page.select("#late-view thead th")]
    assert "(/18)" not in page.get_text() and "chín tiêu chí" not in page.get_text()
    assert "Điểm trung bình (/10)" in client.get("/agencies/T.STP").get_data(as_text=True)
    assert "Average score (/10)" in client.get("/en/satisfaction").get_data(as_text=True)
    form = soup(client.get("/ratings/new"))
    assert {i["name"] for i in form.select("input[name^=criterion_]")} == {f"criterion_{n}" for n in range(1, 6)}
    schema = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/satisfaction"]["get"]
    row = schema["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["items"]["items"]
    assert row["properties"]["average_score"]["description"].startswith(
        "Mean total (out of 10) of the ratings that scored all 5 criteria"
    )


def test_the_default_criteria_still_say_nine_and_eighteen(world):
    assert "đủ 9 tiêu chí (tối đa 18 điểm)" in soup(world.get("/satisfaction")).select_one(".lead").get_text()
    schema = world.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/satisfaction"]["get"]
    row = schema["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["items"]["items"]
    assert "(out of 18)" in row["properties"]["average_score"]["description"]


FORMULAS = ('=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)")


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def test_no_csv_cell_starts_a_formula(app, client):
    """Names an import gave, as a spreadsheet would run them (CSV injection): every download of
    the site goes through one writer, which shows them as text."""
    load(app, *WORLD)
    with app.app_context():
        session = get_session()
        agency = [["code", "name", "parent_code", "level"], ["T.STP", FORMULAS[0], "T", "sở"]]
        assert import_agencies(session, csv_bytes(agency)).applied
        officers = [["officer_code", "officer_name", "officer_title", "agency_code"]]
        officers += [["O1", FORMULAS[1], FORMULAS[3], "T.STP"], ["O2", FORMULAS[2], "x", "T.STP"]]
        assert import_officers(session, csv_bytes(officers)).applied
        publish_month(session, Month.parse("2023-05"), Actor("test"))
        session.commit()
    paths = ("/late/agencies.csv", "/late/officers.csv", "/late/files.csv")
    cells = [cell for path in paths for row in read_csv(client.get(f"{path}?month=2023-05")) for cell in row]
    assert {"'" + FORMULAS[0], "'" + FORMULAS[1], "'" + FORMULAS[2]} <= set(cells)
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]


def test_every_csv_the_site_writes_goes_through_the_one_writer():
    """So that the formula guard above covers every download, and the rejects file of imports."""
    root = Path(__file__).resolve().parent.parent / "app"
    writers = {str(p.relative_to(root)) for p in root.rglob("*.py") if "csv.writer(" in p.read_text()}
    assert writers == {"routes/_csv.py", "imports/errors.py"}
