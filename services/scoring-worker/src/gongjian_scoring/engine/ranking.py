"""Ranking and awards (A6, A14, A15, A17): one ranking of the assessed units of the rule set, on the totals
as shown; a unit with no task in Annex 2 (A17) follows the ranking unranked, by name.

Ranking uses only the displayed numbers (totals and tie-break item points to 0.01), so anyone can check a
published sheet, and ranking stored unit results gives the same answer as a full compute.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from gongjian_scoring.engine.rules import Award, RuleSet, RuleSetSettings
from gongjian_scoring.engine.sheet import UnitResult, UnitScore

ROUNDING = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_FLOOR, "up": ROUND_CEILING}


def award_count(unit_count: int, settings: RuleSetSettings) -> int:
    """A6: 35% of the ranked units, rounded half up by default (13 -> 4.55 -> 5; 4 -> 1.4 -> 1), at most
    `a6_award_cap` when the rule set sets one (departments: 5)."""
    share = Decimal(unit_count) * settings.a6_award_share
    count = int(share.quantize(Decimal(1), rounding=ROUNDING[settings.a6_rounding]))
    return count if settings.a6_award_cap is None else min(count, settings.a6_award_cap)


def award_slots(count: int, settings: RuleSetSettings) -> list[Award]:
    """The awards in ranking order: each tier takes its size, a null size takes the rest."""
    slots: list[Award] = []
    for label, size in zip(settings.a14_award_labels, settings.a6_tier_sizes, strict=True):
        remaining = count - len(slots)
        slots += [label] * (remaining if size is None else min(size, remaining))
    return slots


def rank_units(rule_set: RuleSet, results: Sequence[UnitResult]) -> list[UnitScore]:
    """Rank unit results and hand out the awards; returns the units in ranking order, then the units not
    assessed (A17: rank and award null) by name."""
    names = [r.unit for r in results]
    if len(set(names)) != len(names):
        raise ValueError("each unit is ranked once")
    settings = rule_set.settings
    tie_break = settings.a15_tie_break_item
    ranked = [r for r in results if r.assessed]
    order = sorted(ranked, key=lambda r: (-r.total, -r.points_of(tie_break), r.unit))
    slots = iter(award_slots(award_count(len(ranked), settings), settings))
    scores: list[UnitScore] = []
    for result in order:
        award = next(slots, None) if result.eligible else None
        scores.append(
            UnitScore(
                unit=result.unit,
                total=result.total,
                rank=1 + sum(1 for other in ranked if other.total > result.total),
                award=award,
                eligible=result.eligible,
                items=result.items,
            )
        )
    for result in sorted((r for r in results if not r.assessed), key=lambda r: r.unit):
        scores.append(
            UnitScore(
                unit=result.unit,
                total=result.total,
                rank=None,
                award=None,
                eligible=result.eligible,
                items=result.items,
                assessed=False,
            )
        )
    return scores
