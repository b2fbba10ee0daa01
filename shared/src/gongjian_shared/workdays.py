"""The Chinese working-day calendar: public holidays and make-up working days (调休), from chinese-calendar.

chinese-calendar covers the years the State Council has published (2004 to its release's last year);
outside them `is_working_day` raises, and callers fall back to plain weekdays, saying so.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import chinese_calendar

logger = logging.getLogger("gongjian.workdays")


def is_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        logger.warning("no official calendar for %s; treating Monday-Friday as working days", day.year)
        return day.weekday() < 5


def next_working_day(day: date) -> date:
    """The day itself if it is a working day, else the next one."""
    for _ in range(60):
        if is_working_day(day):
            return day
        day += timedelta(days=1)
    raise RuntimeError("no working day within 60 days")
