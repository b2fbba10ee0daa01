from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gongjian_shared.types import Instant, MoneyOut, RequestModel, cross_field

MonthState = Literal["not-open", "open", "closed", "frozen"]


class ReportingMonthOut(BaseModel):
    """A month's reporting window (填报窗口) and statistics cut-off (统计截止)."""

    year: int
    month: int
    opens_at: Instant
    closes_at: Instant
    reminder_at: Instant
    cut_off_at: Instant
    frozen_at: Instant | None
    state: MonthState
    revision: int


class ReportingMonthUpdate(RequestModel):
    """Set a month's window (默认每月25日至次月5日); instants with a time zone."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "opens_at": "2019-05-25T00:00:00+08:00",
                    "closes_at": "2019-06-06T00:00:00+08:00",
                    "reminder_at": "2019-06-04T00:00:00+08:00",
                    "cut_off_at": "2019-06-11T00:00:00+08:00",
                }
            ]
        },
    )

    opens_at: Instant
    closes_at: Instant
    reminder_at: Instant
    cut_off_at: Instant

    @model_validator(mode="after")
    def _in_order(self) -> ReportingMonthUpdate:
        if not (self.opens_at < self.reminder_at <= self.closes_at <= self.cut_off_at):
            raise cross_field("need opens_at < reminder_at <= closes_at <= cut_off_at")
        return self


class OwingUnitOut(BaseModel):
    unit_id: uuid.UUID
    unit_name: str
    project_ids: list[uuid.UUID]


class MonthFigureOut(BaseModel):
    """A project's accepted figures of a month (月度数据), in 万元; from the snapshot once frozen."""

    project_id: uuid.UUID
    unit_id: uuid.UUID
    report_id: uuid.UUID
    completed_10k: MoneyOut
    adjustment_10k: MoneyOut
    cumulative_10k: MoneyOut
    year_to_date_10k: MoneyOut


class MonthFiguresOut(BaseModel):
    year: int
    month: int
    frozen: bool
    items: list[MonthFigureOut]


class ReminderRequest(RequestModel):
    """Remind the units that still owe the month's reports (一键催报): the named ones, or every one."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"unit_ids": ["2f1c7a52-8d0e-4a8e-9a51-0e1f3b2c4d5e"]}]},
    )

    unit_ids: list[uuid.UUID] | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="The units to remind; absent or null: every unit that owes. A named unit owing nothing is skipped.",
    )


class ReminderOut(BaseModel):
    """Who was reminded (已催报): the units owing reports, with the projects each still owes."""

    year: int
    month: int
    reminded: list[OwingUnitOut]
