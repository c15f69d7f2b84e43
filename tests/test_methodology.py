"""The methodology page: both languages, worked examples equal to the rules, the calendar, the links."""

import datetime as dt

from sqlalchemy import select

from app.db import get_session
from app.imports.people import import_holidays
from app.late import method, rules, tables
from app.late.calendar import WorkCalendar
from app.late.codes import EventKind
from app.late.rules import Deadline, Event
from app.late.store import COUNT_FIELDS, AgencyCounts, load_calendar
from app.models import Agency, AgencyMonth
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


def test_every_definition_has_an_example_the_rules_give():
    calendar = WorkCalendar()
    ex = method.examples(calendar, 2025)  # due Friday 5/9/2025, as above
    # A due moment with a time: 11:00 is past 10:00 on the due day, within the day otherwise.
    assert ex.timed.due == Deadline(D(2025, 9, 5), dt.time(10)) and ex.timed.finished == T(2025, 9, 5, 11)
    assert (ex.timed.with_time.outcome, ex.timed.with_time.days_late) == (rules.LATE, 1)
    assert ex.timed.without_time.outcome == rules.ON_TIME
    # The evening of the month's last day counts in that month; its end is the next midnight.
    assert ex.boundary.counted_in == rules.Month(2025, 9) and ex.boundary.cutoff == T(2025, 10, 1)
    # Asked on Wednesday 3/9 (the first working day after receipt), never supplied: judged at the request.
    assert ex.waiting.request == T(2025, 9, 3, 10)
    assert ex.waiting.judged.judged_at == ex.waiting.request and ex.waiting.judged.outcome == rules.EARLY
    assert ex.waiting.finished > ex.due.moment
    assert ex.waiting.month_end == rules.MonthEnd(pending=True, waiting=True, overdue=False)
    # A new appointment does not excuse: finished a working day after the original due, late by 1.
    assert ex.rescheduled.new_due.day > ex.rescheduled.finished.date()
    assert (ex.rescheduled.judged.outcome, ex.rescheduled.judged.days_late) == (rules.LATE, 1)
    # Step 2 (B) is late by 2 working days (Mon 8/9, Tue 9/9), step 1 (A) on time: B answers for 2.
    officers = ex.officers
    assert officers.step_days_late == [0, 2] and officers.charged == {"B": 2}
    assert officers.file_days_late == 2 and officers.charged_without_late_step == {"C": 2}
    assert ex.apologies.sent == [True, True, False] and ex.apologies.count == 2
    # A period sums its months, except what is open at its end, taken from its last month.
    (_, aug), (_, sep) = ex.period.months
    total = ex.period.total
    assert (total.resolved, total.early, total.on_time, total.late) == (
        aug.resolved + sep.resolved,
        aug.early + sep.early,
        aug.on_time + sep.on_time,
        aug.late + sep.late,
    )
    assert (total.pending, total.pending_overdue) == (sep.pending, sep.pending_overdue)
    assert ex.period.on_time_rate == 86.4  # 190 / 220
    assert ex.period.national_rate == 85.8  # (190 + 20 - 4) / 240


def test_the_page_shows_every_example(client):
    page = soup(client.get("/late/methodology"))
    ids = {"due", "time", "boundary", "pause", "waiting", "twice", "rescheduled", "pending", "officers"}
    ids |= {"apologies", "rates"}
    for name in ids:
        assert page.select_one(f"#example-{name}").text.strip(), name
    rows = page.select("#example-period tbody tr")
    assert len(rows) == 2 and page.select_one("#example-period tfoot td").text == "220"
    assert "86,4%" in page.select_one("#example-rates").text
    assert "B, 2 ngày trễ" in page.select_one("#example-officers").text
    english = soup(client.get("/en/late/methodology"))
    assert "B, 2 days late" in english.select_one("#example-officers").text
    assert "86.4%" in english.select_one("#example-rates").text


def test_a_period_in_the_tables_is_what_the_method_says(app):
    build(app, "2023-04", "2023-05")
    with app.app_context():
        session = get_session()
        period = tables.Period(rules.Month(2023, 4), rules.Month(2023, 5))
        table = {row.agency_code: row for row in tables.agency_table(session, period).rows}
        stored = session.execute(
            select(Agency.code, AgencyMonth).join(Agency, Agency.id == AgencyMonth.agency_id)
        ).tuples()
        months: dict[str, dict[str, AgencyCounts]] = {}
        for code, row in stored:
            months.setdefault(code, {})[row.month] = AgencyCounts(**{f: getattr(row, f) for f in COUNT_FIELDS})
        assert table and set(table) == set(months)
        for code, by_month in months.items():
            expected = tables.over_period([by_month.get(m, AgencyCounts()) for m in period.months])
            assert {f: getattr(table[code], f) for f in COUNT_FIELDS} == {
                f: getattr(expected, f) for f in COUNT_FIELDS
            }, code
