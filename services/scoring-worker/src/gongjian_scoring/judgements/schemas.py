"""The office's judgements (考核认定), one model per kind, each with its evidence."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gongjian_shared.pagination import Page
from gongjian_shared.types import Day, Instant, Money, Multiline, RequestModel, cross_field

MediaLevel = Literal["own_channels", "city", "provincial", "central"]
JudgementKind = Literal[
    "media",
    "reporting_finding",
    "support_failure",
    "mechanism_check",
    "disqualifying_incident",
    "planning_funds",
    "planning_task",
]
# the length checked as a string first (errors `string_too_short` / `string_too_long`), then the characters
Text = Annotated[str, Field(min_length=1, max_length=2000), *get_args(Multiline)[1:]]


class JudgementBase(RequestModel):
    model_config = ConfigDict(extra="forbid")

    # the field holding the date the judgement is about; it must fall in the assessment year
    date_field: ClassVar[str]

    kind: str
    year: int = Field(ge=2000, le=2100, description="The assessment year (考核年度).")
    evidence: Text = Field(
        description="What the judgement rests on (依据): document, inspection report, link."
    )

    @model_validator(mode="after")
    def _date_in_year(self) -> JudgementBase:
        day: Day = getattr(self, self.date_field)
        if day.year != self.year:
            raise cross_field(
                f"{self.date_field} {day.isoformat()} is not in the assessment year {self.year}"
            )
        return self

    def day(self) -> date:
        value: Day = getattr(self, self.date_field)
        return value

    def details(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"kind", "year", "evidence"})


class MediaItem(JudgementBase):
    """A publicity item carried by the media or the unit's own channels (项目宣传)."""

    date_field: ClassVar[str] = "published_on"
    kind: Literal["media"]
    level: MediaLevel
    published_on: Day
    title: Text
    link: Annotated[str, Field(min_length=1, max_length=2000)]


class ReportingFinding(JudgementBase):
    """An inspection finding of late, false or concealed reporting (项目报送督查发现)."""

    date_field: ClassVar[str] = "found_on"
    kind: Literal["reporting_finding"]
    finding: Literal["late", "false", "concealed"]
    found_on: Day
    description: Text


class SupportFailure(JudgementBase):
    """A confirmed failure of factor support to a cross-region key project (要素保障不到位); `severe`: 情况特别严重."""

    date_field: ClassVar[str] = "found_on"
    kind: Literal["support_failure"]
    severe: bool
    found_on: Day
    description: Text


class MechanismCheck(JudgementBase):
    """The office's check of a department's working mechanism (工作机制); the latest check counts."""

    date_field: ClassVar[str] = "checked_on"
    kind: Literal["mechanism_check"]
    established: bool
    managed: bool
    monthly_reporting: bool
    checked_on: Day


class DisqualifyingIncident(JudgementBase):
    """A major quality or work-safety accident, or major environmental impact: no award this year."""

    date_field: ClassVar[str] = "occurred_on"
    kind: Literal["disqualifying_incident"]
    category: Literal["quality", "work_safety", "environment"]
    occurred_on: Day
    description: Text


class PlanningFunds(JudgementBase):
    """Budget funds for project planning actually in place (策划经费到位), in 万元; the records add up."""

    date_field: ClassVar[str] = "in_place_on"
    kind: Literal["planning_funds"]
    amount_10k: Money
    in_place_on: Day


class PlanningTask(JudgementBase):
    """Whether the unit's planning task is done (完成策划任务); overrides the default reading from its planned
    projects (all at proposal depth or deeper). The latest check counts."""

    date_field: ClassVar[str] = "checked_on"
    kind: Literal["planning_task"]
    done: bool
    checked_on: Day


JudgementCreate = Annotated[
    MediaItem
    | ReportingFinding
    | SupportFailure
    | MechanismCheck
    | DisqualifyingIncident
    | PlanningFunds
    | PlanningTask,
    Field(discriminator="kind"),
]


class JudgementWithdraw(RequestModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text


class JudgementOut(BaseModel):
    """A recorded judgement, with who recorded it and when, and its withdrawal if any."""

    id: uuid.UUID
    unit_id: uuid.UUID
    year: int
    kind: JudgementKind
    details: dict[str, Any]
    evidence: str
    recorded_by: str
    recorded_at: Instant
    withdrawn_by: str | None
    withdrawn_at: Instant | None
    withdrawal_reason: str | None


class JudgementPage(Page[JudgementOut]):
    """One page of a unit's judgements (考核认定记录)."""
