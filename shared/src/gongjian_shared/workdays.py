"""The Chinese working-day calendar: public holidays and make-up working days (调休), from chinese-calendar.

chinese-calendar covers the years the State Council has published (2004 to its release's last year).
Outside them the holidays fixed by law still hold (全国年节及纪念日放假办法, as revised in 2024): New Year's
Day (1 January), Labour Day (1-2 May), National Day (1-3 October) and Qingming (the solar term, computed by
chinese-calendar for any year). The lunar holidays (Spring Festival, Dragon Boat, Mid-Autumn) and the make-up
working days are published each year and not known before: there Monday-Friday stand, and the log says once
per year that the official calendar is missing.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

logger = logging.getLogger("gongjian.workdays")

# (month, day) of the statutory holidays with a fixed Gregorian date
FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})
QINGMING = "清明"
_warned_years: set[int] = set()


def is_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return _fallback_is_working_day(day)


def _fallback_is_working_day(day: date) -> bool:
    """A year without the official calendar: Monday-Friday, less the holidays whose date the law fixes."""
    if day.year not in _warned_years:
        _warned_years.add(day.year)
        logger.warning(
            "no official calendar for %s; treating Monday-Friday as working days, less New Year's Day, "
            "Qingming, Labour Day and National Day (the lunar holidays and make-up days are not known)",
            day.year,
        )
    if day.weekday() >= 5 or (day.month, day.day) in FIXED_HOLIDAYS:
        return False
    return not (day.month == 4 and _is_qingming(day))


def _is_qingming(day: date) -> bool:
    try:
        terms = chinese_calendar.get_solar_terms(day, day)
    except NotImplementedError:  # solar terms are computed for 1900-2100 only
        return False
    return any(name == QINGMING for _, name in terms)


def next_working_day(day: date) -> date:
    """The day itself if it is a working day, else the next one."""
    for _ in range(60):
        if is_working_day(day):
            return day
        day += timedelta(days=1)
    raise RuntimeError("no working day within 60 days")


@dataclass(frozen=True)
class YearCalendar:
    """A year's departures from Monday-Friday: weekdays off (holidays) and weekend days worked (调休)."""

    year: int
    official: bool  # the State Council's calendar is known for the year (else the fallback above)
    days_off: tuple[date, ...]
    working_weekends: tuple[date, ...]


@functools.lru_cache(maxsize=16)
def year_calendar(year: int) -> YearCalendar:
    days_off: list[date] = []
    working_weekends: list[date] = []
    day = date(year, 1, 1)
    while day.year == year:  # bounded: the days of one year
        weekend = day.weekday() >= 5
        if is_working_day(day) == weekend:
            (working_weekends if weekend else days_off).append(day)
        day += timedelta(days=1)
    return YearCalendar(year, _is_official(year), tuple(days_off), tuple(working_weekends))


def _is_official(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True
