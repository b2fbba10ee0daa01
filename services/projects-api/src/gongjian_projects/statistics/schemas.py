from __future__ import annotations

import uuid
from decimal import Decimal

from pydantic import BaseModel, Field

from gongjian_shared.types import MoneyOut


class StatisticsRow(BaseModel):
    """Figures of a unit, a leader or the city up to a month (统计): counts, start rate, investment, schedule."""

    id: uuid.UUID | None = Field(description="The unit or leader; none for the city.")
    name: str
    key_projects: int
    new_start: int
    continuing: int
    completion: int
    new_start_started: int
    start_rate_percent: Decimal
    completed_projects: int
    planned_investment_10k: MoneyOut
    planned_year_to_date_10k: MoneyOut
    completed_year_to_date_10k: MoneyOut
    completion_share_percent: Decimal = Field(
        description="Completed year to date / annual planned investment."
    )
    benchmark_percent: Decimal = Field(description="Time-schedule benchmark: month / 12 (序时进度).")
    behind_benchmark: bool
    prephase_projects: int
    planned_projects: int
    attraction_projects: int
    target_key_projects: int | None = None
    target_new_start: int | None = None
    target_planned_investment_10k: MoneyOut | None = None


class StatisticsTable(BaseModel):
    """The monthly statistics table (月统计表) or a roll-up: one row per unit or leader, and the city."""

    year: int
    month: int
    frozen: bool = Field(description="The month is frozen: these are its published figures.")
    rows: list[StatisticsRow]
    city: StatisticsRow | None


class RankedRow(StatisticsRow):
    rank: int


class RedProject(BaseModel):
    project_id: uuid.UUID
    name: str
    unit_name: str
    completion_share_percent: Decimal
    reason: str


class QuarterlyBulletin(BaseModel):
    """The quarterly bulletin (季度通报): units ranked by completion share, the city, projects in red."""

    year: int
    quarter: int
    month: int
    frozen: bool
    city: StatisticsRow
    counties_and_zones: list[RankedRow]
    departments_and_enterprises: list[RankedRow]
    red_projects: list[RedProject]
