from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from gongjian_shared.types import Day, Instant, MoneyOut, Multiline, Name, RequestModel

PlanViewName = Literal["baseline", "adjusted"]


class RemovalRequest(RequestModel):
    """Take a project off the year's plan (调出计划), with the reason, the date and who approved it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "reason": "用地手续无法在年内办结",
                    "removed_on": "2019-07-15",
                    "approved_by": "市政府常务会议",
                }
            ]
        },
    )

    reason: Annotated[Multiline, Field(min_length=1, max_length=1000)]
    removed_on: Day
    approved_by: Annotated[Name, Field(max_length=200)]


class PlanOut(BaseModel):
    year: int
    published_at: Instant | None


class PlanProject(BaseModel):
    project_id: uuid.UUID
    name: str
    unit_id: uuid.UUID
    plan_category: str | None
    planned_investment_10k: MoneyOut
    status: str
    added_mid_year: bool
    removed_on: Day | None
    removal_reason: str | None


class UnitPlanTotal(BaseModel):
    unit_id: uuid.UUID
    projects: int
    planned_investment_10k: MoneyOut


class PlanView(BaseModel):
    """The year's key-project plan as first published (baseline, 年初计划) or as adjusted since (调整后计划)."""

    year: int
    view: PlanViewName
    published_at: Instant | None
    projects: list[PlanProject]
    units: list[UnitPlanTotal]
    total_projects: int
    total_planned_investment_10k: MoneyOut
