"""Quarterly concentrated starts (季度集中开工) and their advance notice (提前预告)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gongjian_shared.types import Day, Instant, Multiline, Name, RequestModel, Year, cross_field

Answer = Literal["declared", "confirmed", "declined"]
Quarter = Annotated[int, Field(ge=1, le=4)]


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and the last day of the quarter."""
    first = dt.date(year, 3 * quarter - 2, 1)
    last = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return first, last - dt.timedelta(days=1)


class ConcentratedStartDeclare(RequestModel):
    """The office declares a quarter's concentrated start (集中开工) with its advance notice (提前预告): the key
    projects to start, the planned date and the event."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "year": 2019,
                    "quarter": 3,
                    "planned_on": "2019-09-18",
                    "event": "全市三季度重点项目集中开工活动（安康高新区主会场）",
                    "notice": "请各单位于9月10日前确认项目开工准备情况",
                    "project_ids": ["00000000-0000-0000-0000-000000000000"],
                }
            ]
        },
    )

    year: Year
    quarter: Quarter
    planned_on: Day
    event: Name
    notice: Annotated[Multiline, Field(max_length=4000)] | None = None
    project_ids: list[uuid.UUID] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _in_the_quarter(self) -> ConcentratedStartDeclare:
        first, last = quarter_bounds(self.year, self.quarter)
        if not first <= self.planned_on <= last:
            raise cross_field(
                f"planned_on must lie in the quarter ({first} to {last})",
                f"计划开工日期须在该季度内（{first} 至 {last}）",
            )
        if len(set(self.project_ids)) != len(self.project_ids):
            raise cross_field("project_ids lists a project twice", "项目重复")
        return self


class DeclineRequest(RequestModel):
    """Why the unit's project will not start with the batch (不能按期集中开工的原因)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "施工许可尚未取得"}]}
    )

    reason: Annotated[Multiline, Field(min_length=1, max_length=1000)]


class ConcentratedStartProjectOut(BaseModel):
    """A project of the batch and its unit's answer; `started_on` is its recognised start (开工认定), if any."""

    project_id: uuid.UUID
    project_name: str
    unit_id: uuid.UUID
    unit_name: str
    answer: Answer
    reason: str | None
    answered_at: Instant | None
    started_on: dt.date | None


class ConcentratedStartOut(BaseModel):
    """A quarter's concentrated start; a unit sees its own projects of it only."""

    id: uuid.UUID
    year: int
    quarter: int
    planned_on: dt.date
    event: str
    notice: str | None
    declared_at: Instant
    projects: list[ConcentratedStartProjectOut]


class StartCounts(BaseModel):
    """Projects declared, confirmed, declined and actually started by the quarter's end (开工认定)."""

    unit_id: uuid.UUID | None = Field(description="None on the city's row.")
    name: str
    declared: int
    confirmed: int
    declined: int
    started: int


class StartCountsTable(BaseModel):
    """Per unit and, for the office and conveners, the city (集中开工统计)."""

    year: int
    quarter: int
    quarter_end: dt.date
    rows: list[StartCounts]
    city: StartCounts | None
