"""What front ends read: standings, a unit's sheet with its explanations, the trend."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, Field

from gongjian_scoring.engine.rules import Award, UnitKind
from gongjian_scoring.engine.sheet import ItemScore, Points
from gongjian_shared.pagination import Page
from gongjian_shared.types import Day, Instant

# a rule set's id as the rule sets write it (`2019-county`): anything else names none, and is refused
RuleSetId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[0-9]{4}-[a-z][a-z0-9-]*$")]


class ItemPoints(BaseModel):
    """An item's points (to 0.01) and whether it applies to the unit."""

    id: str
    points: Points
    applicable: bool


class StandingRow(BaseModel):
    """One unit's line in the standings (排名): rank, total, award and the points of each item."""

    unit_id: uuid.UUID | None
    unit: str
    rank: int | None = Field(description="null for a unit that is not assessed (A17)")
    total: Points
    award: Award | None
    eligible: bool
    assessed: bool = Field(
        default=True,
        description="false: the unit has no task in Annex 2, so it is shown but not ranked (A17)",
    )
    as_of: Day
    provisional: bool
    items: list[ItemPoints]


class Standings(BaseModel):
    """The ranking of one rule set's units (考核排名): live for the office, or as published.

    Live, each unit is scored as of the latest date of its own facts: `as_of` is the latest of them and
    `provisional` holds while any unit's sheet is provisional.
    """

    rule_set_id: str
    rule_set_version: int
    year: int
    unit_kind: UnitKind
    as_of: Day
    provisional: bool
    published: bool
    assessment_id: uuid.UUID | None
    published_at: Instant | None
    units: list[StandingRow]


class UnitSheet(BaseModel):
    """One unit's score sheet (考核评分表) with every item's points, arithmetic and source text."""

    unit_id: uuid.UUID
    unit: str
    rule_set_id: str
    rule_set_version: int
    year: int
    as_of: Day
    provisional: bool
    total: Points
    eligible: bool
    assessed: bool = Field(
        default=True, description="false: the unit has no task in Annex 2, so it is not ranked (A17)"
    )
    rank: int | None
    award: Award | None
    items: list[ItemScore]


class SnapshotPoint(BaseModel):
    """A point of a unit's trend (得分走势): its score as of a date."""

    as_of: Day
    total: Points
    provisional: bool
    eligible: bool
    rule_set_version: int
    computed_at: Instant
    items: list[ItemPoints]


class AssessmentPublish(BaseModel):
    """Publish the standings of a rule set (发布考核结果), scored from the facts as of a date."""

    rule_set_id: RuleSetId
    as_of: Day | None = None


class AssessmentSummary(BaseModel):
    """A published assessment (已发布的考核结果): frozen, with the rule set version it used."""

    id: uuid.UUID
    rule_set_id: str
    rule_set_version: int
    year: int
    unit_kind: UnitKind
    as_of: Day
    provisional: bool
    published_by: str
    published_at: Instant


class SnapshotPage(Page[SnapshotPoint]):
    """One page of a unit's score trend (得分走势)."""


class AssessmentSummaryPage(Page[AssessmentSummary]):
    """One page of published assessments (已发布的考核结果)."""
