"""The working-day calendar (工作日历) the deadlines are counted in, for clients that count down to them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from gongjian_projects.calendar.schemas import CalendarOut
from gongjian_projects.deps import CurrentPrincipal
from gongjian_shared.errors import problem_responses
from gongjian_shared.routing import ServiceRouter
from gongjian_shared.workdays import year_calendar

router = ServiceRouter(prefix="/api/v1/calendar", tags=["calendar"])


@router.get("/{year}", response_model=CalendarOut, responses=problem_responses(401, 422))
async def working_day_calendar(
    year: Annotated[int, Path(ge=2000, le=2100)], _: CurrentPrincipal
) -> CalendarOut:
    """The year's working-day calendar: the deadlines of reports, topics and resolutions count these days."""
    calendar = year_calendar(year)
    return CalendarOut(
        year=calendar.year,
        official=calendar.official,
        days_off=list(calendar.days_off),
        working_weekends=list(calendar.working_weekends),
    )
