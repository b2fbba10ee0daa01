from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from gongjian_projects.projects.schemas import PlanCategory, ProjectOut
from gongjian_shared.types import Day, Instant, Money, MoneyOut, Multiline, Name, RequestModel

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


class CarryOverItem(RequestModel):
    """One of last year's entries to carry into the year (结转): a continuing or completion key project, or a
    planned project proposed for next year, promoted as a new start. What the year changes is given here;
    the rest (name, codes, unit, industry, location, total investment, dates) is copied."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "from_project_id": "00000000-0000-0000-0000-000000000000",
                    "plan_category": "continuing",
                    "planned_investment_10k": "12000",
                }
            ]
        },
    )

    from_project_id: uuid.UUID = Field(description="Last year's entry (上年度计划项目).")
    plan_category: PlanCategory
    planned_investment_10k: Money = Field(description="The year's planned investment (年度计划投资), 万元.")
    planned_by_month: list[Money] | None = Field(
        default=None,
        min_length=12,
        max_length=12,
        description="Twelve monthly amounts (分月计划) summing to the year's planned investment.",
    )
    leader_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=20, description="The year's leaders (包抓领导); default: last year's."
    )
    provincial_key: bool | None = Field(
        default=None,
        description="A provincial key project this year (省级重点项目); default: last year's flag.",
    )


class CarryOverRequest(RequestModel):
    """Carry last year's entries into the year's plan, all or none (年度计划结转)."""

    model_config = ConfigDict(extra="forbid")

    entries: list[CarryOverItem] = Field(min_length=1, max_length=1000)


class CarryOverOut(BaseModel):
    year: int
    entries: list[ProjectOut] = Field(description="The year's new entries, in the order of the request.")


class CarryOverCandidate(BaseModel):
    """An entry of last year that may enter the year's plan, and the category it would take."""

    project_id: uuid.UUID
    identity_id: uuid.UUID
    year: int
    kind: Literal["key", "planned"]
    name: str
    code: str | None
    unit_id: uuid.UUID
    plan_category: PlanCategory | None
    status: Literal["planned", "started", "completed", "removed"]
    started_on: Day | None
    planned_completion: Day | None
    total_investment_10k: MoneyOut
    planned_investment_10k: MoneyOut
    suggested_category: PlanCategory
