from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

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
    """The quarterly bulletin (季度通报): units ranked by completion share, the city, projects in red, all as
    of the quarter's end. A draft until the office publishes it; the published one never changes."""

    year: int
    quarter: int
    month: int
    as_of: date = Field(description="The quarter's last day: statuses, colours and figures as of then.")
    frozen: bool = Field(
        description="The quarter's last month is frozen: the figures are its published ones."
    )
    status: Literal["draft", "published"]
    published_at: datetime | None = None
    city: StatisticsRow
    counties_and_zones: list[RankedRow]
    departments_and_enterprises: list[RankedRow]
    red_projects: list[RedProject]


class CountVsTarget(BaseModel):
    """A count against its Annex 2 target; `target` null when the unit has no target row."""

    target: int | None
    actual: int
    gap: int | None = Field(description="actual - target.")
    done: bool | None = Field(description="actual >= target.")


class AmountVsTarget(BaseModel):
    """An amount against its Annex 2 target."""

    target: MoneyOut | None
    actual: MoneyOut
    gap: MoneyOut | None = Field(description="actual - target.")
    percent: Decimal | None = Field(description="actual / target, in %; null without a positive target.")


class TargetsVsActualsRow(BaseModel):
    """A unit's (or the city's) Annex 2 targets next to what it has done up to the month's end."""

    unit_id: uuid.UUID | None = Field(description="None for the city.")
    unit_name: str
    key_projects: CountVsTarget = Field(description="Key projects on the plan at the month's end.")
    key_projects_new_start: CountVsTarget = Field(
        description="New-start key projects started (recognised start) by the month's end."
    )
    planned_investment_10k: AmountVsTarget = Field(
        description="Annual planned investment target vs investment completed year to date (万元)."
    )
    prephase_projects: CountVsTarget
    planned_projects: CountVsTarget
    planned_projects_over_2bn: CountVsTarget = Field(
        description="Planned projects of total investment >= 2 bn CNY (200,000 万元), the >= 10 bn ones included."
    )
    planned_projects_over_10bn: CountVsTarget = Field(
        description="Planned projects of total investment >= 10 bn CNY (1,000,000 万元)."
    )
    attraction_domestic_capital_100m: AmountVsTarget = Field(
        description="Domestic capital in place (到位资金, 亿元): attraction projects not of foreign capital."
    )
    attraction_other_target: Decimal | None = Field(
        description="Annex 2's attraction column without a header: the target only, nothing to compare with."
    )


class TargetsVsActuals(BaseModel):
    """Annex 2 targets compared with actuals (目标任务完成情况), per unit and for the city, up to a month."""

    year: int
    month: int
    frozen: bool
    rows: list[TargetsVsActualsRow]
    city: TargetsVsActualsRow | None
