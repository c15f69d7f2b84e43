"""The methodology page: both languages, worked examples equal to the rules, the calendar, the links."""

import datetime as dt

from app.db import get_session
from app.imports.people import import_holidays
from app.late import method, rules
from app.late.calendar import WorkCalendar
from app.late.codes import EventKind
from app.late.rules import Deadline, Event
from app.late.store import load_calendar
from tests.conftest import load, soup
from tests.late_world import build

D, T = dt.date, dt.datetime


def test_the_page_renders_in_both_languages(client):
    vi = client.get("/late/methodology")
    assert vi.status_code == 200 and soup(vi).select_one("html")["lang"] == "vi"
    assert soup(vi).select_one("h1").text == "Cách tính số liệu trễ hạn"
    for path in ("/en/late/methodology", "/late/methodology?lang=en"):
        page = soup(client.get(path))
        assert page.select_one("html")["lang"] == "en"
        assert page.select_one("h1").text == "How the late figures are computed"
    assert not soup(vi).select("script:not([src])")


def test_the_examples_are_what_the_rules_give():
    calendar = WorkCalendar()
    ex = method.examples(calendar, 2025)
    # Independently: Friday 29/8/2025, then 30/8 to 2/9 off (weekend and National Day).
    assert ex.received == T(2025, 8, 29, 9)
    assert ex.days_off == [D(2025, 8, 30), D(2025, 8, 31), D(2025, 9, 1), D(2025, 9, 2)]
    assert ex.due == rules.computed_deadline(calendar, ex.received, 3, "working_day") == Deadline(D(2025, 9, 5))
    got = [(r.outcome, r.days_late) for r in ex.outcomes]
    assert got == [(rules.EARLY, 0), (rules.ON_TIME, 0), (rules.LATE, 1), (rules.LATE, 3)]
    for row in ex.outcomes:
        assert rules.outcome(ex.due, row.finished) == row.outcome
    pause = [Event(EventKind.SUPPLEMENT_REQUESTED, ex.request), Event(EventKind.SUPPLEMENT_RECEIVED, ex.receipt)]
    assert rules.pauses(calendar, pause, ex.paused.finished).shift == 3
    assert ex.paused.due == rules.shifted(calendar, ex.due, 3)
    assert ex.paused.outcome == rules.EARLY and ex.unpaused.outcome == rules.LATE
    assert ex.unpaused.days_late == rules.days_late(calendar, ex.due, ex.paused.finished) == 2
    assert ex.twice.outcome == rules.LATE and ex.twice.days_late >= 1
    assert ex.month_end_overdue


def test_the_page_shows_the_examples_and_the_calendar(app, client):
    build(app)  # cases of 2023
    load(app, (import_holidays, "late-holidays.csv"))
    page = soup(client.get("/late/methodology"))
    with app.app_context():
        ex = method.examples(load_calendar(get_session()), 2023)
    assert ex.due.day.strftime("%d/%m/%Y") in page.select_one("#example-due").text
    rows = page.select("#example-outcomes tbody tr")
    assert [r.select("td")[2].text for r in rows] == [str(r.days_late) for r in ex.outcomes]
    year = page.select_one("#year-2023").parent
    assert "02/09/2023" in year.select_one("ul.holidays").text
    assert "06/05/2023" in year.select_one("ul.working-weekends").text
    assert "05/05/2023" in year.select_one("ul.days-off").text
    may = year.select("table.working-days tbody tr")[4].select_one("td").text
    # May 2023: 23 weekdays, less 1 and 2 May (holidays) and 3 May (substitute), less 5/5, plus 6/5.
    assert may == "20"


def test_tables_csv_and_api_link_to_the_method(app, client):
    build(app, "2023-05")
    for path in ("/late?month=2023-05", "/late/officers?month=2023-05"):
        assert soup(client.get(path)).select_one('a[href="/late/methodology"]')
    for path in (
        "/late/agencies.csv?month=2023-05",
        "/late/officers.csv?month=2023-05",
        "/api/v1/late/agencies?month=2023-05",
        "/api/v1/late/officers?month=2023-05",
    ):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Link"] == '<http://localhost/late/methodology>; rel="describedby"'
