"""The month preview before publishing: the late files, what changed since the published revision,
the required confirmation, and the warning for a month that looks incomplete."""

import datetime as dt

from sqlalchemy import func, select

from app.db import get_session
from app.imports.cases import import_cases, import_events
from app.late import review
from app.late.rules import Month
from app.late.store import AgencyCounts, LateFileFacts, MonthFigures
from app.models import AuditEntry, PublishedMonth
from tests.conftest import post, soup
from tests.test_admin import (
    login,
    office,  # noqa: F401  (the fixture)
)

MAY = Month(2023, 5)


def facts(code: str, days: int, **changes) -> LateFileFacts:
    t = dt.datetime(2023, 5, 10)
    base = dict(
        case_code=code,
        procedure_code=None,
        procedure_name=None,
        agency_id=1,
        received_at=t,
        due_at=t,
        due_has_time=False,
        finished_at=t,
        days_late=days,
        apology=False,
        reason=None,
        rescheduled_to=None,
        rescheduled_has_time=False,
        supplements=0,
        officers={"O1": days},
    )
    return LateFileFacts(**{**base, **changes})


def test_compare_lists_new_gone_and_changed_files_and_agencies():
    before = MonthFigures(MAY, {1: AgencyCounts(resolved=3, late=2)}, {}, {"A": facts("A", 2), "B": facts("B", 1)})
    after = MonthFigures(
        MAY,
        {1: AgencyCounts(resolved=3, late=2), 2: AgencyCounts(resolved=1, late=1)},
        {},
        {"A": facts("A", 3, reason="Thiếu chữ ký", procedure_name="renamed"), "C": facts("C", 5), "D": facts("D", 9)},
    )
    changes = review.compare(before, after)
    assert [f.case_code for f in changes.became_late] == ["D", "C"]
    assert [f.case_code for f in changes.no_longer_late] == ["B"]
    assert [(c.key, [d.name for d in c.differences]) for c in changes.files] == [
        ("A", ["days_late", "officers", "reason"])
    ]
    assert [(c.key, c.before, [(d.name, d.before, d.after) for d in c.differences]) for c in changes.agencies] == [
        (2, None, [("resolved", 0, 1), ("late", 0, 1)])
    ]
    assert review.compare(after, after).empty


def test_a_month_far_below_its_neighbours_is_sparse():
    counts = {Month(2023, m): n for m, n in {2: 100, 3: 120, 4: 90, 5: 40, 6: 110, 7: 0}.items()}
    sparse = review.completeness(MAY, counts, received=50)
    assert sparse.median == 105 and sparse.sparse and not sparse.nothing_resolved
    assert set(sparse.neighbours) == {Month(2023, 2), Month(2023, 3), Month(2023, 4), Month(2023, 6)}
    assert not review.completeness(MAY, {**counts, MAY: 53}, received=50).sparse, "half the median is enough"
    assert not review.completeness(MAY, {MAY: 3}, received=5).suspicious, "nothing to compare with"
    empty = review.completeness(MAY, {}, received=5)
    assert empty.nothing_resolved and empty.suspicious and not empty.sparse
    assert not review.completeness(MAY, {}, received=0).suspicious


def test_the_preview_lists_the_late_files(office, client):  # noqa: F811
    login(client, "editor@tinh.gov.vn")
    page = soup(client.get("/admin/months/2023-05"))
    rows = page.select("#late-files ~ .table-scroll table.late-files tbody tr")
    assert [r.th.text for r in rows] == ["C3", "C4"]  # C3 is 3 working days late, C4 1
    assert "Trần Thị Bình (3)" in rows[0].text and "10/05/2023" in rows[0].text
    assert page.select_one("#changes-title") is None, "an unpublished month has nothing to compare"


def test_publishing_without_the_confirmation_changes_nothing(office, client):  # noqa: F811
    login(client, "editor@tinh.gov.vn")
    refused = post(client, "/admin/months/2023-05", "/admin/months/2023-05", note="Ghi chú đã gõ")
    assert refused.status_code == 422
    page = soup(refused)
    assert "xác nhận" in page.select_one("[role=alert]").text
    assert page.select_one("input#confirm[required]") is not None
    with office.app_context():
        session = get_session()
        assert session.scalar(select(PublishedMonth).where(PublishedMonth.month == "2023-05")) is None
        assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.target == "2023-05")) == 0
    assert client.get("/late?month=2023-05").status_code == 404
    assert post(client, "/admin/months/2023-05", "/admin/months/2023-05", confirm="1").status_code == 303
    corrected = post(client, "/admin/months/2023-05", "/admin/months/2023-05", note="Ghi chú đã gõ")
    assert corrected.status_code == 422 and soup(corrected).select_one("#note").text == "Ghi chú đã gõ"


def test_the_preview_shows_what_events_changed_since_publication(office, client):  # noqa: F811
    login(client, "editor@tinh.gov.vn")
    assert post(client, "/admin/months/2023-05", "/admin/months/2023-05", confirm="1").status_code == 303
    events = (
        "case_code,event,at,reason,new_due_at\n"
        # C3 waited from 5/5 to 12/5 (5 working days): due 17/5, finished 15/5, no longer late.
        "C3,supplement_requested,2023-05-05 09:00,,\n"
        "C3,supplement_received,2023-05-12 14:00,,\n"
        # C2 (early) was asked twice: late.
        "C2,supplement_requested,2023-05-05 09:00,,\n"
        "C2,supplement_requested,2023-05-08 09:00,,\n"
        "C4,explained,2023-05-09,Thiếu chữ ký,\n"
    ).encode()
    with office.app_context():
        session = get_session()
        assert import_events(session, events).applied
        session.commit()
    page = soup(client.get("/admin/months/2023-05"))
    assert "khác số liệu đã công bố" in page.text

    def codes(anchor: str) -> list[str]:
        return [r.th.text for r in page.select_one(f"#{anchor} + .table-scroll").select("tbody tr")]

    assert codes("became-late") == ["C2"]
    assert codes("no-longer-late") == ["C3"]
    changed = page.select_one("#changed-files + .table-scroll")
    assert "C4" in changed.text and "Thiếu chữ ký" in changed.select_one("td.after").parent.parent.text
    assert page.select_one("#changed-agencies") is not None


def test_the_incompleteness_warning(office, client):  # noqa: F811
    login(client, "editor@tinh.gov.vn")
    assert soup(client.get("/admin/months/2023-05")).select_one(".incomplete") is None
    # June has one resolved file (C8) beside May's five: sparse.
    june = soup(client.get("/admin/months/2023-06")).select_one(".incomplete")
    assert june is not None and "05/2023: 5" in june.text
    # July: a file received, none resolved.
    data = (
        b"case_code,procedure_code,agency_code,received_at,due_at,finished_at,status,apology_sent,officer_code\n"
        b"C20,,T.STP,2023-07-03,2023-07-10,,,,O1\n"
    )
    with office.app_context():
        session = get_session()
        assert import_cases(session, data).applied
        session.commit()
    july = soup(client.get("/admin/months/2023-07")).select_one(".incomplete")
    assert july is not None and "chưa hồ sơ nào được giải quyết" in july.text
