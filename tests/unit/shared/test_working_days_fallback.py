"""Years the official calendar (chinese-calendar) does not cover: the holidays the law fixes still hold, the
rest falls back to Monday-Friday, and the log says so once per year rather than once per question."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

import chinese_calendar
import pytest

from gongjian_meetings.meetings.rules import after_days, reminder_day
from gongjian_notifier.delivery.timing import release_time
from gongjian_notifier.settings import ScheduleSettings
from gongjian_shared import workdays
from gongjian_shared.clock import SHANGHAI
from gongjian_shared.workdays import is_working_day, next_working_day, year_calendar

SCHEDULE = ScheduleSettings(
    quiet_start=time(20, 0), quiet_end=time(8, 0), release_at=time(9, 0), digest_at=time(9, 30)
)


def covered(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def first_uncovered_year() -> int:
    """The first year after the installed release's data (2027 with chinese-calendar 1.11)."""
    for year in range(2026, 2100):
        if not covered(year):
            return year
    raise AssertionError("chinese-calendar covers the whole century")


YEAR = first_uncovered_year()


def qingming(year: int) -> date:
    [(day, _)] = [
        term
        for term in chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
        if term[1] == "清明"
    ]
    return day


def weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


@pytest.mark.parametrize(
    ("month", "day", "what"),
    [
        (1, 1, "元旦"),
        (5, 1, "劳动节"),
        (5, 2, "劳动节"),
        (10, 1, "国庆节"),
        (10, 2, "国庆节"),
        (10, 3, "国庆节"),
    ],
)
def test_the_holidays_the_law_fixes_are_not_working_days_in_an_uncovered_year(
    month: int, day: int, what: str
) -> None:
    assert not is_working_day(date(YEAR, month, day)), what


def test_qingming_is_not_a_working_day_in_an_uncovered_year() -> None:
    assert not is_working_day(qingming(YEAR))
    assert qingming(2097) == date(2097, 4, 4) and date(2097, 4, 4).weekday() == 3  # a Thursday
    assert not is_working_day(date(2097, 4, 4))
    assert is_working_day(date(2097, 4, 3))


def test_other_weekdays_work_and_weekends_rest_in_an_uncovered_year() -> None:
    monday = weekday_on_or_after(date(YEAR, 6, 8), 0)
    assert [is_working_day(monday + timedelta(days=n)) for n in range(7)] == [True] * 5 + [False] * 2
    assert is_working_day(weekday_on_or_after(date(YEAR, 10, 4), 0))  # the Monday after 1-3 October


def test_the_year_2027_as_the_law_fixes_it() -> None:
    if covered(2027):
        pytest.skip("the installed chinese-calendar publishes 2027: the fallback is not asked")
    # 1 January and 1 October 2027 are Fridays, Qingming (5 April) a Monday
    assert [is_working_day(date(2027, 1, d)) for d in (1, 4)] == [False, True]
    assert [is_working_day(date(2027, 4, d)) for d in (5, 6)] == [False, True]
    assert next_working_day(date(2027, 10, 1)) == date(2027, 10, 4)
    assert next_working_day(date(2027, 4, 30)) == date(2027, 4, 30)  # a Friday
    assert next_working_day(date(2027, 5, 1)) == date(2027, 5, 3)


def test_callers_skip_the_fixed_holidays_of_an_uncovered_year() -> None:
    national_day = date(YEAR, 10, 1)
    # a notifier push on National Day morning waits for the first day that is not a holiday or a weekend
    released = release_time(datetime.combine(national_day, time(10), SHANGHAI), "normal", SCHEDULE)
    first = next_working_day(date(YEAR, 10, 4))
    assert released == datetime.combine(first, time(9), SHANGHAI)
    # a meeting reminder falling on 1 January moves back to the last working day of the year before it
    assert reminder_day(date(YEAR, 1, 1), skip_holidays=True) < date(YEAR, 1, 1)
    # counting working days across National Day skips its three days
    assert after_days(date(YEAR, 9, 30), 1, skip_holidays=True) == next_working_day(date(YEAR, 10, 1))


def test_an_uncovered_year_is_logged_once_not_at_every_question(caplog: pytest.LogCaptureFixture) -> None:
    year = 2090
    workdays._warned_years.discard(year)  # an earlier test of the session may have asked about it already
    with caplog.at_level(logging.WARNING, logger="gongjian.workdays"):
        for offset in range(120):
            is_working_day(date(year, 1, 1) + timedelta(days=offset))
    warnings = [r for r in caplog.records if str(year) in r.getMessage()]
    assert len(warnings) == 1
    assert "no official calendar" in warnings[0].getMessage()


def test_covered_years_still_follow_the_official_calendar() -> None:
    assert is_working_day(date(2025, 9, 28))  # a Sunday made a working day (调休)
    assert not is_working_day(date(2025, 10, 8))  # the National Day week ran to the 8th
    assert not is_working_day(date(2026, 1, 1))


def test_a_years_calendar_lists_its_departures_from_monday_to_friday() -> None:
    official = year_calendar(2019)
    assert official.official
    assert date(2019, 2, 4) in official.days_off and date(2019, 2, 2) in official.working_weekends
    assert all(day.weekday() < 5 and not is_working_day(day) for day in official.days_off)
    assert all(day.weekday() >= 5 and is_working_day(day) for day in official.working_weekends)
    fallback = year_calendar(YEAR)
    assert not fallback.official and fallback.working_weekends == ()
    fixed = [date(YEAR, m, d) for m, d in ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))]
    holidays_on_weekdays = {day for day in [*fixed, qingming(YEAR)] if day.weekday() < 5}
    assert holidays_on_weekdays and holidays_on_weekdays <= set(fallback.days_off)
