"""The meeting's pure rules: state machine, series calendar, D-10/D-7/D-3 instants, working-day reminders."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest

from gongjian_meetings.meetings.rules import (
    TRANSITIONS,
    Windows,
    add_months,
    after_days,
    allowed_next,
    may_move,
    nth_weekday,
    reminder_day,
    schedule,
    series_dates,
)


def test_the_happy_path_is_a_chain_of_allowed_steps() -> None:
    path = [
        "scheduled",
        "collecting_topics",
        "drafting_agenda",
        "awaiting_approval",
        "approved",
        "circulated",
        "held",
        "minutes_published",
        "closed",
    ]
    for current, target in itertools.pairwise(path):
        assert may_move(current, target), (current, target)


@pytest.mark.parametrize(
    ("state", "target"),
    [("scheduled", "approved"), ("held", "cancelled"), ("closed", "scheduled"), ("cancelled", "scheduled")],
)
def test_steps_out_of_order_are_refused(state: str, target: str) -> None:
    assert not may_move(state, target)


def test_terminal_states_allow_nothing_and_every_target_is_a_state() -> None:
    assert allowed_next("closed") == () and allowed_next("cancelled") == ()
    for targets in TRANSITIONS.values():
        assert set(targets) <= set(TRANSITIONS)


@pytest.mark.parametrize(
    ("year", "month", "week", "expected"),
    [(2019, 5, 2, date(2019, 5, 9)), (2019, 7, 2, date(2019, 7, 11)), (2019, 8, 5, date(2019, 8, 29))],
)
def test_nth_thursday(year: int, month: int, week: int, expected: date) -> None:
    assert nth_weekday(year, month, week, 3) == expected


def test_series_is_every_other_month_from_the_first_month() -> None:
    found = series_dates(
        interval_months=2, first_month=1, week=2, weekday=3, start=date(2019, 5, 10), end=date(2019, 12, 31)
    )
    assert found == [
        ("2019-07", date(2019, 7, 11)),
        ("2019-09", date(2019, 9, 12)),
        ("2019-11", date(2019, 11, 14)),
    ]


def test_deadlines_of_meeting_day_are_ends_of_shanghai_days() -> None:
    times = schedule(date(2019, 7, 11), Windows(), reminder_hour=9)
    # topics close at the end of D-10 (1 July), i.e. 2 July 00:00 in Shanghai = 1 July 16:00 UTC
    assert times.topics_close_at.astimezone(UTC) == datetime(2019, 7, 1, 16, 0, tzinfo=UTC)
    assert times.agenda_due_at.astimezone(UTC) == datetime(2019, 7, 4, 16, 0, tzinfo=UTC)
    assert times.circulation_at.astimezone(UTC) == datetime(2019, 7, 8, 1, 0, tzinfo=UTC)


def test_reminders_move_back_to_a_working_day_only_when_asked() -> None:
    national_day = date(2019, 10, 3)
    assert reminder_day(national_day, skip_holidays=False) == national_day
    # 29 September 2019 is a Sunday worked in exchange for the National Day holiday (调休)
    assert reminder_day(national_day, skip_holidays=True) == date(2019, 9, 30)
    assert reminder_day(date(2019, 9, 29), skip_holidays=True) == date(2019, 9, 29)


def test_overdue_steps_count_working_days_when_asked() -> None:
    assert after_days(date(2019, 9, 30), 3, skip_holidays=False) == date(2019, 10, 3)
    # 1-7 October are holidays; 8, 9, 10 October are the next working days
    assert after_days(date(2019, 9, 30), 3, skip_holidays=True) == date(2019, 10, 10)


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(date(2019, 8, 31), 6) == date(2020, 2, 29)
