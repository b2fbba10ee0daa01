from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field

from gongjian_shared.pagination import Page
from gongjian_shared.types import Day, Instant, MoneyOut


class Change(BaseModel):
    """One change of the registry: the event as published (its envelope's fields, the payload as in the
    event's JSON Schema of `type` and `version`, `/asyncapi.json`)."""

    change_id: uuid.UUID = Field(description="The event id: a change is handed out once, under this id.")
    type: str = Field(description="The event type (project-registered, progress-reported, ...).")
    version: int
    key: str = Field(
        description="The aggregate the change is of (a project's id): one key's changes in order."
    )
    occurred_at: Instant
    payload: dict[str, Any]


class ChangePage(BaseModel):
    """A page of the change feed (变更订阅), in log order."""

    changes: list[Change]
    next_cursor: str = Field(
        description="Opaque: pass it as `since` for the next page (the same cursor again when nothing is new)."
    )
    has_more: bool = Field(description="More changes are waiting now: ask again at once.")


class MonthFigure(BaseModel):
    """An accepted month of the year (已审定月报), 万元."""

    month: int = Field(ge=1, le=12)
    planned_10k: MoneyOut | None = Field(description="The month's share of the plan, when the unit gave one.")
    completed_10k: MoneyOut | None = Field(
        description="The month's accepted completion, corrections included."
    )
    cumulative_10k: MoneyOut | None = Field(description="Completed since the project began, at that month.")
    image_progress_percent: MoneyOut | None = None


class PlanEntryExport(BaseModel):
    """One entry of the year's plan (年度计划项目) with its figures, 万元."""

    project_id: uuid.UUID
    identity_id: uuid.UUID
    code: str | None
    legacy_code: str | None
    name: str
    unit_id: uuid.UUID
    plan_category: str | None
    status: str
    provincial_key: bool
    industry: str | None
    location_admin_code: str | None
    total_investment_10k: MoneyOut
    planned_investment_10k: MoneyOut
    baseline_planned_investment_10k: MoneyOut | None
    planned_start: Day | None
    planned_completion: Day | None
    started_on: Day | None
    completed_on: Day | None
    added_mid_year: bool
    removed_on: Day | None
    removal_reason: str | None
    leader_ids: list[uuid.UUID]
    year_to_date_10k: MoneyOut = Field(description="Accepted completion of the year, corrections included.")
    cumulative_10k: MoneyOut | None = Field(description="At the last accepted month, when there is one.")
    months: list[MonthFigure] = Field(description="The twelve months, January first.")


class PlanExport(BaseModel):
    """The year's key-project plan with its figures, for machine clients (年度计划批量导出)."""

    year: int
    published_at: Instant | None
    exported_at: Instant
    total_projects: int
    total_planned_investment_10k: MoneyOut = Field(description="Of the entries not removed from the plan.")
    total_year_to_date_10k: MoneyOut
    projects: list[PlanEntryExport]


class DeadLetter(BaseModel):
    """A change the push adapter gave up on after its attempts (推送失败), with the last error."""

    delivery_id: int
    change_id: uuid.UUID
    type: str
    key: str
    attempts: int
    last_error: str | None
    created_at: Instant
    dead_at: Instant | None
    replays: int = Field(description="How many times the office sent it again.")


class DeadLetterPage(Page[DeadLetter]):
    pass


class Replayed(BaseModel):
    delivery_id: int
    status: str = Field(description="`pending`: it goes out with the next run, before any later change.")
