from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gongjian_shared.types import Instant, Percent, RequestModel, cross_field

Colour = Literal["green", "yellow", "red"]


class ThresholdsIn(RequestModel):
    """Points behind the time-schedule benchmark that turn a project yellow and red (预警阈值)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"yellow_points": "10", "red_points": "20"}]}
    )

    yellow_points: Percent
    red_points: Percent

    @model_validator(mode="after")
    def _ordered(self) -> ThresholdsIn:
        if self.red_points <= self.yellow_points:
            raise cross_field("red_points must be above yellow_points")
        return self


class ThresholdsOut(ThresholdsIn):
    year: int
    revision: int


class WarningOut(BaseModel):
    """A key project's colour against the benchmark (预警): share of the annual plan done vs month / 12."""

    project_id: uuid.UUID
    project_name: str
    unit_id: uuid.UUID
    year: int
    month: int
    colour: Colour
    completion_share_percent: Decimal
    benchmark_percent: Decimal
    reason: str
    computed_at: Instant


class Evaluation(BaseModel):
    year: int
    month: int
    judged: int
    turned_red: int


class ColourCounts(BaseModel):
    """Projects per colour for a unit or a leader (分单位/分领导预警汇总)."""

    id: uuid.UUID
    name: str
    green: int = 0
    yellow: int = 0
    red: int = 0
    unjudged: int = Field(default=0, description="Key projects not judged yet.")
