"""When pushes may go: working days (with 调休), quiet hours, the configured morning hour, the digest slot."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from pydantic import ValidationError

from gongjian_notifier.delivery.ratelimit import TokenBucket
from gongjian_notifier.delivery.timing import backoff, digest_time, release_time
from gongjian_notifier.settings import ScheduleSettings
from gongjian_shared.clock import SHANGHAI

SCHEDULE = ScheduleSettings(
    quiet_start=time(20, 0), quiet_end=time(8, 0), release_at=time(9, 0), digest_at=time(9, 30)
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2024-10-08 10:00", "2024-10-08 10:00"),  # a working day, working hours: at once
        ("2024-10-01 10:00", "2024-10-08 09:00"),  # National Day: the first working day after the holiday
        ("2024-10-12 10:00", "2024-10-12 10:00"),  # a Saturday made a working day (调休)
        ("2024-10-13 10:00", "2024-10-14 09:00"),  # an ordinary Sunday
        ("2024-10-08 07:00", "2024-10-08 09:00"),  # before the quiet hours end: this morning
        ("2024-10-08 21:30", "2024-10-09 09:00"),  # after the quiet hours begin: tomorrow morning
        ("2024-09-30 22:00", "2024-10-08 09:00"),  # the evening before a holiday week
    ],
)
def test_non_urgent_pushes_wait_for_a_working_day_outside_quiet_hours(now: str, expected: str) -> None:
    assert release_time(at(now), "normal", SCHEDULE) == at(expected)


def test_urgent_pushes_go_at_once_even_on_a_holiday_night() -> None:
    assert release_time(at("2024-10-01 23:00"), "urgent", SCHEDULE) == at("2024-10-01 23:00")


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2024-10-08 08:00", "2024-10-08 09:30"),
        ("2024-10-08 09:30", "2024-10-08 09:30"),
        ("2024-10-08 09:31", "2024-10-09 09:30"),
        ("2024-10-04 12:00", "2024-10-08 09:30"),
    ],
)
def test_the_daily_digest_goes_at_the_next_working_day_slot(now: str, expected: str) -> None:
    assert digest_time(at(now), SCHEDULE) == at(expected)


def test_release_hour_inside_quiet_hours_is_refused() -> None:
    with pytest.raises(ValidationError, match="release_at falls in the quiet hours"):
        ScheduleSettings(quiet_start=time(20, 0), quiet_end=time(8, 0), release_at=time(7, 0))


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n, 30, 300).total_seconds() for n in (1, 2, 3, 4, 5)] == [30, 60, 120, 240, 300]
    assert backoff(1, 0, 10) == timedelta(0)


def test_token_bucket_refills_at_its_rate() -> None:
    now = [0.0]
    bucket = TokenBucket(2.0, lambda: now[0])
    assert bucket.available() == 2
    bucket.take(2)
    assert bucket.available() == 0
    now[0] += 0.5
    assert bucket.available() == 1
    now[0] += 100
    assert bucket.available() == 2
