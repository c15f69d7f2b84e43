"""The counting rules of SPEC §3, every boundary, without Flask or a database."""

import datetime as dt

import pytest

from app.late import rules
from app.late.calendar import WorkCalendar
from app.late.rules import Deadline, Month, StepFacts

D, T = dt.date, dt.datetime
CAL = WorkCalendar()


def test_weekends_and_public_holidays_are_not_working_days():
    assert CAL.is_working_day(D(2023, 4, 28))  # Friday
    assert not CAL.is_working_day(D(2023, 4, 29))  # Saturday, Hùng Kings
    # 29/4 to 3/5/2023: five days off in a row, Monday to Wednesday among them.
    for day in range(1, 4):
        assert not CAL.is_working_day(D(2023, 5, day))
    assert CAL.is_working_day(D(2023, 5, 4))
    assert not CAL.is_working_day(D(2022, 2, 1))  # Tết


def test_imported_days_off_and_working_saturdays():
    calendar = WorkCalendar({D(2023, 5, 5): "off", D(2023, 5, 6): "work"})
    assert not calendar.is_working_day(D(2023, 5, 5))  # a Friday made a day off
    assert calendar.is_working_day(D(2023, 5, 6))  # a Saturday made a working day
    assert calendar.add_working_days(D(2023, 5, 4), 1) == D(2023, 5, 6)


def test_computed_due_date_counts_working_days_from_the_effective_receipt_day():
    # Received Friday 28/4/2023: 1 working day later is Thursday 4/5, across the holiday.
    due = rules.computed_deadline(CAL, T(2023, 4, 28, 9), 1, "working_day")
    assert due == Deadline(D(2023, 5, 4))
    # Received on a day off (Saturday 29/4): the effective receipt day is 4/5; N=0 gives it.
    assert rules.computed_deadline(CAL, T(2023, 4, 29, 9), 0, "working_day") == Deadline(D(2023, 5, 4))
    assert rules.computed_deadline(CAL, T(2023, 4, 29, 9), 2, "working_day") == Deadline(D(2023, 5, 8))
    # Half a working day still ends on a working day.
    assert rules.computed_deadline(CAL, T(2023, 5, 4, 9), 0.5, "working_day") == Deadline(D(2023, 5, 5))


def test_calendar_days_and_hours_add_calendar_time():
    assert rules.computed_deadline(CAL, T(2023, 4, 28, 9), 3, "day") == Deadline(D(2023, 5, 1))
    assert rules.computed_deadline(CAL, T(2023, 4, 28, 9, 30), 8, "hour") == Deadline(D(2023, 4, 28), dt.time(17, 30))
    assert rules.computed_deadline(CAL, T(2023, 1, 31, 9), 1, "month") == Deadline(D(2023, 2, 28))
    assert rules.computed_deadline(CAL, T(2023, 1, 31, 9), None, "working_day") is None
    assert rules.computed_deadline(CAL, T(2023, 1, 31, 9), 3, None) is None


def test_a_due_date_without_a_time_ends_at_the_end_of_the_day():
    due = Deadline(D(2023, 5, 4))
    assert rules.outcome(due, T(2023, 5, 4, 23, 59)) == rules.ON_TIME
    assert rules.outcome(due, T(2023, 5, 5, 0, 0)) == rules.LATE
    assert rules.outcome(due, T(2023, 5, 3, 16, 0)) == rules.EARLY


def test_a_due_moment_with_a_time():
    due = Deadline(D(2023, 5, 4), dt.time(10, 0))
    assert rules.outcome(due, T(2023, 5, 4, 10, 0)) == rules.ON_TIME
    assert rules.outcome(due, T(2023, 5, 4, 10, 1)) == rules.LATE
    assert rules.outcome(due, T(2023, 5, 3, 17, 0)) == rules.EARLY


def test_days_late_count_working_days_and_are_at_least_one():
    due = Deadline(D(2023, 4, 28))  # Friday before the holiday
    assert rules.days_late(CAL, due, T(2023, 5, 4, 8)) == 1  # 29/4 to 3/5 are all days off
    assert rules.days_late(CAL, due, T(2023, 5, 8, 8)) == 3
    # Late the same day (after a due time) or on a day off still counts one day.
    assert rules.days_late(CAL, Deadline(D(2023, 5, 4), dt.time(10)), T(2023, 5, 4, 15)) == 1
    assert rules.days_late(CAL, due, T(2023, 4, 29, 8)) == 1


def test_pending_overdue_at_the_end_of_a_month():
    may = Month(2023, 5)
    received = T(2023, 5, 2, 9)
    # Due on the last day without a time: its due moment is the end of the month, not passed.
    assert not rules.pending_overdue(received, None, Deadline(D(2023, 5, 31)), may)
    assert rules.pending_overdue(received, None, Deadline(D(2023, 5, 30)), may)
    assert rules.pending_overdue(received, None, Deadline(D(2023, 5, 31), dt.time(17)), may)
    # Finished after the month: still pending at its end; finished within it: not pending.
    assert rules.pending_overdue(received, T(2023, 6, 1, 0, 0), Deadline(D(2023, 5, 30)), may)
    assert not rules.pending_overdue(received, T(2023, 5, 31, 23, 59), Deadline(D(2023, 5, 30)), may)
    # Received after the month: not counted in it.
    assert not rules.pending_overdue(T(2023, 6, 1, 8), None, Deadline(D(2023, 5, 30)), may)


def test_officers_of_late_steps_are_responsible_with_their_steps_days():
    late_step = StepFacts("A", Deadline(D(2023, 5, 4)), T(2023, 5, 8, 9))  # 2 days late
    on_time_step = StepFacts("B", Deadline(D(2023, 5, 9)), T(2023, 5, 9, 9))
    second_late = StepFacts("A", Deadline(D(2023, 5, 8)), T(2023, 5, 9, 9))  # 1 day late
    charged = rules.responsible_officers(CAL, [late_step, on_time_step, second_late], "C", 5)
    assert charged == {"A": 3}


def test_without_a_late_step_the_files_officer_is_responsible():
    on_time_step = StepFacts("B", Deadline(D(2023, 5, 9)), T(2023, 5, 9, 9))
    unfinished = StepFacts("D", Deadline(D(2023, 5, 1)), None)
    assert rules.responsible_officers(CAL, [on_time_step, unfinished], "C", 4) == {"C": 4}
    assert rules.responsible_officers(CAL, [], "C", 2) == {"C": 2}
    assert rules.responsible_officers(CAL, [], None, 2) == {}


def test_on_time_rate_rounds_half_up_to_one_decimal():
    assert rules.on_time_rate(150_000, 12_168, 183_854) == 88.2
    assert rules.percent(1, 8) == 12.5
    assert rules.percent(1, 16) == 6.3  # 6.25 rounds up, not to even
    assert rules.on_time_rate(0, 0, 0) is None


def test_months_and_periods():
    assert str(Month.parse("2022-08")) == "2022-08"
    assert Month(2022, 12).next() == Month(2023, 1)
    assert [str(m) for m in Month(2022, 11).through(Month(2023, 2))] == ["2022-11", "2022-12", "2023-01", "2023-02"]
    assert Month(2024, 2).last_day == D(2024, 2, 29)
    for bad in ("2022-13", "2022-8", "22-08", "2022/08", ""):
        with pytest.raises(ValueError):
            Month.parse(bad)
