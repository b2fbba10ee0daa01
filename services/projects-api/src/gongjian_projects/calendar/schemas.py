from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class CalendarOut(BaseModel):
    """A year's departures from Monday-Friday; every other weekday is a working day, every other weekend day not."""

    year: int
    official: bool = Field(
        description=(
            "True when the State Council's holiday calendar for the year is known. False: only the holidays "
            "whose date the law fixes are off (New Year, Qingming, Labour Day, National Day), no 调休."
        )
    )
    days_off: list[date] = Field(description="Monday-Friday days that are public holidays (法定节假日).")
    working_weekends: list[date] = Field(
        description="Saturdays and Sundays that are working days (调休上班)."
    )
