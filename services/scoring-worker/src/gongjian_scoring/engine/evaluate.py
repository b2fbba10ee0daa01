"""One item of one unit: dispatch on the rule type."""

from __future__ import annotations

from typing import assert_never

from gongjian_scoring.engine import items_judgements, items_planning, items_projects
from gongjian_scoring.engine.context import Context, Outcome
from gongjian_scoring.engine.rule_types import (
    CompletionRatioRule,
    FundsPerUnitRule,
    MechanismJudgementRule,
    MediaRule,
    PerCountDeductionRule,
    PlanningRule,
    PrephaseRule,
    PromotionBonusRule,
    ProvincialBonusRule,
    StartCheckpointsRule,
    SupportFailuresRule,
)
from gongjian_scoring.engine.rules import Item


def evaluate(item: Item, ctx: Context) -> Outcome:
    rule = item.rule
    match rule:
        case CompletionRatioRule():
            return items_projects.completion_ratio(rule, ctx)
        case StartCheckpointsRule():
            return items_projects.start_checkpoints(rule, ctx)
        case ProvincialBonusRule():
            return items_projects.provincial_bonus(rule, ctx)
        case PrephaseRule():
            return items_planning.prephase(rule, ctx)
        case PlanningRule():
            return items_planning.planning(rule, ctx)
        case FundsPerUnitRule():
            return items_planning.funds_per_unit(rule, ctx)
        case PromotionBonusRule():
            return items_planning.promotion_bonus(rule, ctx)
        case MediaRule():
            return items_judgements.media(rule, ctx)
        case PerCountDeductionRule():
            return items_judgements.per_count_deduction(rule, ctx)
        case SupportFailuresRule():
            return items_judgements.support_failures(rule, ctx)
        case MechanismJudgementRule():
            return items_judgements.mechanism_judgement(rule, ctx)
        case _:
            assert_never(rule)
