"""Pauses for the applicant's documents, waiting, asking twice, new appointments and apologies
(SPEC §3): the rules boundary by boundary, then `import events` and a month computed from them."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.audit import Actor
from app.db import get_session
from app.imports.cases import import_events
from app.late import rules
from app.late.calendar import WorkCalendar
from app.late.codes import EventKind
from app.late.rules import Deadline, Event, Month
from app.late.store import PublishError, compute_month, publish_month
from app.models import CaseEvent, LateFile
from tests.conftest import make_app
from tests.late_world import build

D, T = dt.date, dt.datetime
CAL = WorkCalendar()
REQ, REC = EventKind.SUPPLEMENT_REQUESTED, EventKind.SUPPLEMENT_RECEIVED
JUNE = Month(2023, 6)


def asked(at: dt.datetime) -> Event:
    return Event(REQ, at)


def supplied(at: dt.datetime) -> Event:
    return Event(REC, at)


# June 2023 has no public holiday: 1 June is a Thursday, 5, 12, 19 and 26 June are Mondays.


def test_a_pause_moves_a_date_only_due_day_by_the_working_days_it_lasted():
    due = Deadline(D(2023, 6, 9))  # Friday
    pause = (asked(T(2023, 6, 5, 10)), supplied(T(2023, 6, 7, 15)))  # 6 and 7 June: 2 working days
    judged = rules.judge(CAL, due, T(2023, 6, 13, 16), pause)
    assert judged.deadline == Deadline(D(2023, 6, 13))  # Friday + 2 working days = Tuesday
    assert judged.outcome == rules.ON_TIME and judged.days_late == 0 and judged.supplements == 1
    late = rules.judge(CAL, due, T(2023, 6, 14, 8), pause)
    assert (late.outcome, late.days_late) == (rules.LATE, 1)
    # Without the pause the same file is 3 working days late.
    assert rules.judge(CAL, due, T(2023, 6, 14, 8)).days_late == 3


def test_a_pause_over_a_weekend_counts_only_working_days():
    # Asked on Friday 9 June, supplied on Monday 12 June: 1 working day (the Monday).
    history = rules.pauses(CAL, (asked(T(2023, 6, 9, 16)), supplied(T(2023, 6, 12, 8))), T(2023, 6, 30))
    assert history.shift == 1 and history.waiting_since is None


def test_a_request_answered_the_same_day_moves_nothing():
    due = Deadline(D(2023, 6, 9))
    same_day = (asked(T(2023, 6, 6, 8)), supplied(T(2023, 6, 6, 17)))
    assert rules.judge(CAL, due, T(2023, 6, 10, 9), same_day).outcome == rules.LATE
    assert rules.judge(CAL, due, T(2023, 6, 10, 9), same_day).deadline == due


def test_a_due_time_of_day_is_kept_when_the_day_moves():
    due = Deadline(D(2023, 6, 9), dt.time(10, 0))
    pause = (asked(T(2023, 6, 8, 9)), supplied(T(2023, 6, 9, 9)))  # 1 working day
    judged = rules.judge(CAL, due, T(2023, 6, 12, 10, 0), pause)
    assert judged.deadline == Deadline(D(2023, 6, 12), dt.time(10, 0)) and judged.outcome == rules.ON_TIME
    assert rules.judge(CAL, due, T(2023, 6, 12, 10, 1), pause).outcome == rules.LATE


def test_a_computed_due_date_moves_like_a_given_one():
    computed = rules.computed_deadline(CAL, T(2023, 6, 1, 9), 5, "working_day")
    assert computed == Deadline(D(2023, 6, 8))
    pause = (asked(T(2023, 6, 2, 9)), supplied(T(2023, 6, 6, 9)))  # 5 and 6 June
    assert rules.judge(CAL, computed, T(2023, 6, 12, 9), pause).deadline == Deadline(D(2023, 6, 12))


def test_pauses_add_up_and_a_receipt_without_a_request_changes_nothing():
    events = (
        supplied(T(2023, 6, 1, 9)),
        asked(T(2023, 6, 2, 9)),
        supplied(T(2023, 6, 6, 9)),  # 5, 6 June
        asked(T(2023, 6, 7, 9)),
        supplied(T(2023, 6, 8, 9)),  # 8 June
    )
    history = rules.pauses(CAL, events, T(2023, 6, 30))
    assert (history.shift, history.requests, history.waiting_since) == (3, 2, None)


def test_events_after_the_finish_do_not_pause_it():
    due = Deadline(D(2023, 6, 9))
    after = (asked(T(2023, 6, 12, 9)), supplied(T(2023, 6, 15, 9)))
    judged = rules.judge(CAL, due, T(2023, 6, 9, 9), after)
    assert (judged.outcome, judged.supplements, judged.deadline) == (rules.ON_TIME, 0, due)


def test_a_file_finished_while_waiting_is_judged_at_the_request():
    due = Deadline(D(2023, 6, 9))
    # Asked before the due day, never supplied, closed later: judged at the request, early.
    early = rules.judge(CAL, due, T(2023, 6, 20, 9), (asked(T(2023, 6, 8, 9)),))
    assert (early.outcome, early.judged_at) == (rules.EARLY, T(2023, 6, 8, 9))
    # Asked on the due day itself: on time. Asked on the Monday after: 1 day late.
    assert rules.judge(CAL, due, T(2023, 6, 20), (asked(T(2023, 6, 9, 16)),)).outcome == rules.ON_TIME
    late = rules.judge(CAL, due, T(2023, 6, 20), (asked(T(2023, 6, 12, 9)),))
    assert (late.outcome, late.days_late) == (rules.LATE, 1)
    # Waiting is from the last request without a later receipt, after earlier completed pauses.
    events = (asked(T(2023, 6, 5, 9)), supplied(T(2023, 6, 6, 9)), asked(T(2023, 6, 12, 9)))
    assert rules.pauses(CAL, events, T(2023, 6, 30)).waiting_since == T(2023, 6, 12, 9)


def test_asking_twice_is_late_whatever_the_dates():
    due = Deadline(D(2023, 6, 30))
    twice = (asked(T(2023, 6, 2, 9)), supplied(T(2023, 6, 2, 15)), asked(T(2023, 6, 5, 9)), supplied(T(2023, 6, 5, 15)))
    judged = rules.judge(CAL, due, T(2023, 6, 6, 9), twice)
    assert (judged.outcome, judged.days_late, judged.repeat_supplement, judged.supplements) == (rules.LATE, 1, True, 2)
    # Late by its dates as well: the days late are the dates' days, not 1.
    dates = rules.judge(CAL, Deadline(D(2023, 6, 1)), T(2023, 6, 6, 9), twice)
    assert dates.days_late == 3  # 2, 5, 6 June
    once = rules.judge(CAL, due, T(2023, 6, 6, 9), twice[:2])
    assert (once.outcome, once.repeat_supplement) == (rules.EARLY, False)


def test_waiting_files_are_never_pending_overdue_at_the_month_end():
    due = Deadline(D(2023, 6, 22))
    events = (asked(T(2023, 6, 20, 9)), supplied(T(2023, 7, 3, 9)))
    june = rules.month_end(CAL, T(2023, 6, 12), None, due, JUNE, events)
    assert june == rules.MonthEnd(pending=True, waiting=True, overdue=False)
    # By the end of July the pause is over: 21 June to 3 July is 9 working days, due 5 July.
    july = rules.month_end(CAL, T(2023, 6, 12), None, due, Month(2023, 7), events)
    assert july == rules.MonthEnd(pending=True, waiting=False, overdue=True)
    assert rules.shifted(CAL, due, 9) == Deadline(D(2023, 7, 5))
    # Without the events it was overdue already at the end of June.
    assert rules.month_end(CAL, T(2023, 6, 12), None, due, JUNE).overdue
    # A receipt at the stroke of midnight belongs to the next month.
    midnight = (asked(T(2023, 6, 20, 9)), supplied(T(2023, 7, 1)))
    assert rules.month_end(CAL, T(2023, 6, 12), None, due, JUNE, midnight).waiting


def test_a_pause_can_keep_a_pending_file_within_time_at_the_month_end():
    due = Deadline(D(2023, 6, 28))
    events = (asked(T(2023, 6, 5, 9)), supplied(T(2023, 6, 9, 9)))  # 6 to 9 June: 4 working days
    state = rules.month_end(CAL, T(2023, 6, 1), None, due, JUNE, events)
    assert state == rules.MonthEnd(pending=True)  # due 4 July now
    assert rules.month_end(CAL, T(2023, 6, 1), None, due, JUNE).overdue


def test_new_appointments_never_excuse_and_the_latest_is_shown():
    due = Deadline(D(2023, 6, 9))
    events = (
        Event(EventKind.RESCHEDULED, T(2023, 6, 8, 9), new_due=Deadline(D(2023, 6, 20))),
        Event(EventKind.RESCHEDULED, T(2023, 6, 15, 9), new_due=Deadline(D(2023, 6, 16))),
    )
    judged = rules.judge(CAL, due, T(2023, 6, 14), events)
    assert judged.outcome == rules.LATE and judged.deadline == due
    assert rules.latest(events, EventKind.RESCHEDULED).new_due == Deadline(D(2023, 6, 16))


def test_an_apology_comes_from_the_column_or_an_event():
    assert rules.apologised(True, ())
    assert rules.apologised(False, (Event(EventKind.APOLOGY_SENT, T(2023, 6, 20)),))
    assert not rules.apologised(False, (Event(EventKind.EXPLAINED, T(2023, 6, 20), "thiếu cán bộ"),))


def test_the_national_indicator_counts_pending_files_within_time():
    # 8 on time or early of 10 resolved, 5 pending of which 1 overdue: (8 + 4) / 15.
    assert rules.national_rate(6, 2, 10, 5, 1) == 80.0
    assert rules.national_rate(0, 0, 0, 0, 0) is None


# The import and a month computed from the small province (tests/late_world.py) with events.

HEADER = "case_code,event,at,reason,new_due_at\n"


@pytest.fixture
def app(databases, tmp_path):
    return make_app(databases, tmp_path, SEARCH_BACKEND="null")


def test_events_import_with_vietnamese_headers_and_names_and_reimport_unchanged(app):
    build(app)
    data = (
        "ma_ho_so,su_kien,thoi_diem,ly_do,ngay_hen_moi\n"
        "C3,yeu_cau_bo_sung,05/05/2023 09:00,,\n"
        "C3,Đã bổ sung,08/05/2023 09:00,,\n"
        "C3,hen_lai,12/05/2023,,16/05/2023\n"
        "C3,giai_trinh,15/05/2023 10:00,Thiếu chữ ký của lãnh đạo,\n"
        "C3,xin lỗi,16/05/2023,,\n"
    ).encode()
    with app.app_context():
        session = get_session()
        assert import_events(session, data).summary() == "imported 5, updated 0, rejected 0"
        session.commit()
        kinds = set(session.scalars(select(CaseEvent.event)))
        assert kinds == set(EventKind.codes())
        assert import_events(session, data).summary() == "imported 0, updated 0, rejected 0"
        changed = data.replace("Thiếu chữ ký của lãnh đạo".encode(), "Chờ ý kiến của Sở Xây dựng".encode())
        assert import_events(session, changed).summary() == "imported 0, updated 1, rejected 0"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("C404,supplement_requested,2023-05-05,,", "không có hồ sơ mã C404"),
        ("C3,rescheduled,2023-05-05,,", "new_due_at"),
        ("C3,explained,2023-05-05,,", "reason"),
        ("C3,called_the_applicant,2023-05-05,,", "sự kiện"),
        ("C3,apology_sent,,,", "thời điểm"),
        ("C3,apology_sent,2023-05-01,,", "trước ngày tiếp nhận"),
    ],
)
def test_a_bad_event_rejects_the_whole_file_with_its_row_number(app, row, reason):
    build(app)
    data = (HEADER + "C2,apology_sent,2023-05-09,,\n" + row + "\n").encode()
    with app.app_context():
        session = get_session()
        report = import_events(session, data)
        assert not report.applied
        assert [(r.row, reason in r.reason) for r in report.rejected] == [(3, True)]
        session.rollback()
        assert session.scalar(select(func.count(CaseEvent.id))) == 0


def test_events_move_the_month_and_republishing_needs_a_note(app):
    build(app, "2023-05")
    with app.app_context():
        session = get_session()
        before = compute_month(session, Month(2023, 5))
        assert set(before.files) == {"C3", "C4"}
        events = (
            HEADER
            # C3 (due 10/5, finished 15/5) waited for documents from 5/5 to 9/5: 2 working days, due 12/5.
            + "C3,supplement_requested,2023-05-05 09:00,,\n"
            + "C3,supplement_received,2023-05-09 14:00,,\n"
            + "C3,explained,2023-05-16,Thiếu chữ ký,\n"
            + "C3,rescheduled,2023-05-11,,2023-05-15\n"
            # C2 (due 10/5, finished 9/5, early) was asked twice: late, 1 day, counted apart.
            + "C2,supplement_requested,2023-05-05 09:00,,\n"
            + "C2,supplement_requested,2023-05-08 09:00,,\n"
            + "C2,apology_sent,2023-05-12,,\n"
            # C5 (due 12/5, pending) waits for the applicant at the end of May: not overdue.
            + "C5,yeu_cau_bo_sung,2023-05-11 10:00,,\n"
        ).encode()
        assert import_events(session, events).applied
        session.commit()
        after = compute_month(session, Month(2023, 5))
        c3 = after.files["C3"]
        assert (c3.due_at, c3.days_late, c3.supplements) == (T(2023, 5, 12), 1, 1)
        assert (c3.reason, c3.rescheduled_to, c3.apology) == ("Thiếu chữ ký", T(2023, 5, 15), True)
        c2 = after.files["C2"]
        assert (c2.days_late, c2.supplements, c2.apology) == (1, 2, True)
        stp = next(counts for agency, counts in after.agencies.items() if after.agencies[agency].resolved == 4)
        assert (stp.late, stp.early, stp.on_time, stp.repeat_supplement, stp.apologies) == (3, 0, 1, 1, 2)
        commune = next(counts for counts in after.agencies.values() if counts is not stp)
        assert (commune.waiting_applicant, commune.pending_overdue, commune.pending) == (1, 1, 3)
        with pytest.raises(PublishError, match="ghi chú"):
            publish_month(session, Month(2023, 5), Actor("test"))
        result = publish_month(session, Month(2023, 5), Actor("test"), note="Bổ sung sự kiện hồ sơ")
        session.commit()
        assert result.revision == 2
        stored = {f.case_code: f for f in session.scalars(select(LateFile).where(LateFile.month == "2023-05"))}
        assert set(stored) == {"C2", "C3", "C4"}
        assert [o.officer_code for o in stored["C3"].officers] == ["O1", "O2"]
        # Republishing with nothing new changes nothing.
        assert not publish_month(session, Month(2023, 5), Actor("test")).changed
