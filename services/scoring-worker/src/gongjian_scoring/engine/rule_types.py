"""The rule types an assessment item can use (评分规则), each with typed parameters.

Deductions and caps are stored as non-negative magnitudes: "at most -5" is `cap: 5` on a deduction item, so
that one check (`>= 0`) catches a mistyped sign. Each rule also declares the facts fields it needs, so that a
facts document lacking one is rejected naming the unit and the field rather than scored as if it were zero.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from gongjian_shared.types import Day, DecimalRules, RequestModel, cross_field

# Points, amounts (万元) and shares in a rule set: decimal strings or numbers with up to 4 places (DecimalRules)
NonNegative = Annotated[Decimal, DecimalRules(16, 4, fixed_scale=False)]
Positive = Annotated[Decimal, DecimalRules(16, 4, positive=True, fixed_scale=False)]
Percent = Annotated[Decimal, DecimalRules(8, 4, ge=0, le=100, fixed_scale=False)]
MediaLevel = Literal["own_channels", "city", "provincial", "central"]


class RuleModel(RequestModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CompletionBand(RuleModel):
    """Per-project deduction for an annual completion in [lower_pct, upper_pct)."""

    lower_pct: NonNegative
    upper_pct: Positive
    points: NonNegative
    points_few_projects: NonNegative

    @model_validator(mode="after")
    def _ordered(self) -> CompletionBand:
        if self.lower_pct >= self.upper_pct:
            raise cross_field("lower_pct must be below upper_pct")
        return self


class CompletionRatioRule(RuleModel):
    """`min(cap, completed / planned * weight)`, then per-project deductions (完成投资)."""

    type: Literal["completion_ratio"]
    weight: NonNegative
    cap: NonNegative
    bands: list[CompletionBand]
    few_projects_below: Annotated[int, Field(ge=0)]
    deduction_cap: NonNegative
    floor: NonNegative

    def needs(self) -> tuple[str, ...]:
        return ("key_projects[].planned_10k", "key_projects[].completed_10k")


class Checkpoint(RuleModel):
    on: Day
    target_pct: Percent


class GapBand(RuleModel):
    """A start-rate gap (target - actual, in points) inside these bounds costs `points`."""

    lower_pct: NonNegative
    lower_inclusive: bool
    upper_pct: NonNegative | None
    upper_inclusive: bool
    points: NonNegative


class StartCheckpointsRule(RuleModel):
    """Start-rate checkpoints and the planned-completion penalty (开（竣）工情况)."""

    type: Literal["start_checkpoints"]
    full: NonNegative
    checkpoints: Annotated[list[Checkpoint], Field(min_length=1)]
    gap_bands: list[GapBand]
    incomplete_penalty: NonNegative
    incomplete_cap: NonNegative
    floor: NonNegative

    def needs(self) -> tuple[str, ...]:
        return ("key_projects[].new_start", "key_projects[].planned_completion")


class PrephaseRule(RuleModel):
    """Pre-phase work (前期工作): full marks less a deduction per project not done."""

    type: Literal["prephase"]
    full: NonNegative
    per_missing: NonNegative
    single_project: NonNegative
    floor: NonNegative

    def needs(self) -> tuple[str, ...]:
        return ("prephase_projects[].done",)


class PlanningTier(RuleModel):
    min_total_10k: NonNegative
    bonus: NonNegative


class PlanningRule(RuleModel):
    """Planning quality and depth (项目策划的质量和深度)."""

    type: Literal["planning"]
    base: NonNegative
    tiers: list[PlanningTier]
    tier_bonus_cap: NonNegative
    feasibility_bonus: NonNegative
    filed_bonus: NonNegative
    item_cap: NonNegative | None

    def needs(self) -> tuple[str, ...]:
        return (
            "planning_task_done",
            "planned_projects[].total_investment_10k",
            "planned_projects[].depth",
            "planned_projects[].in_prephase_plan_and_filed",
        )


class FundsPerUnitRule(RuleModel):
    """Points per full unit of planning funds in place (每到位100万元)."""

    type: Literal["funds_per_unit"]
    unit_10k: Positive
    points_per_unit: NonNegative
    cap: NonNegative

    def needs(self) -> tuple[str, ...]:
        return ("planning_funds_in_place_10k",)


class MediaPoints(RuleModel):
    """Points per media item by level; a level set to null is not scored by this sheet."""

    own_channels: NonNegative | None
    city: NonNegative | None
    provincial: NonNegative | None
    central: NonNegative | None

    def scored(self) -> list[tuple[MediaLevel, Decimal]]:
        levels: tuple[MediaLevel, ...] = ("own_channels", "city", "provincial", "central")
        return [(level, p) for level in levels if (p := getattr(self, level)) is not None]


class MediaRule(RuleModel):
    """Publicity (项目宣传)."""

    type: Literal["media"]
    points: MediaPoints
    cap: NonNegative

    def needs(self) -> tuple[str, ...]:
        return tuple(f"media.{level}" for level, _ in self.points.scored())


class ProvincialBonusRule(RuleModel):
    """Bonus per provincial key project started and ahead of the time-schedule benchmark."""

    type: Literal["provincial_bonus"]
    per_project: NonNegative
    cap: NonNegative

    def needs(self) -> tuple[str, ...]:
        return (
            "key_projects[].provincial_key",
            "key_projects[].ahead_of_schedule",
            "key_projects[].new_start",
        )


class PromotionBonusRule(RuleModel):
    """Bonus per planned project proposed for next year's key-project plan."""

    type: Literal["promotion_bonus"]
    per_project: NonNegative
    cap: NonNegative

    def needs(self) -> tuple[str, ...]:
        return ("planned_projects[].proposed_for_next_year",)


class PerCountDeductionRule(RuleModel):
    """A deduction per counted finding, e.g. late or false reporting found by supervision."""

    type: Literal["per_count_deduction"]
    count_field: Literal["reporting_findings"]
    per_finding: NonNegative
    cap: NonNegative

    def needs(self) -> tuple[str, ...]:
        return (self.count_field,)


class SupportFailuresRule(RuleModel):
    """Deduction per confirmed failure of factor support; an especially serious one costs more."""

    type: Literal["support_failures"]
    per_failure: NonNegative
    severe: NonNegative
    cap: NonNegative

    def needs(self) -> tuple[str, ...]:
        return ("support_failures[].severe",)


class MechanismJudgementRule(RuleModel):
    """Working mechanism (工作机制): points for each check the office records as met."""

    type: Literal["mechanism_judgement"]
    established: NonNegative
    managed: NonNegative
    monthly_reporting: NonNegative

    def needs(self) -> tuple[str, ...]:
        return ("mechanism.established", "mechanism.managed", "mechanism.monthly_reporting")


Rule = Annotated[
    CompletionRatioRule
    | StartCheckpointsRule
    | PrephaseRule
    | PlanningRule
    | FundsPerUnitRule
    | MediaRule
    | ProvincialBonusRule
    | PromotionBonusRule
    | PerCountDeductionRule
    | SupportFailuresRule
    | MechanismJudgementRule,
    Field(discriminator="type"),
]

RULE_TYPES: tuple[str, ...] = (
    "completion_ratio",
    "start_checkpoints",
    "prephase",
    "planning",
    "funds_per_unit",
    "media",
    "provincial_bonus",
    "promotion_bonus",
    "per_count_deduction",
    "support_failures",
    "mechanism_judgement",
)
