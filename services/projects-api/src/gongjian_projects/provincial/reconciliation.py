"""Reconciliation (对账) of one project and month: the unit's figure (our side, reported here) against the
province's (reported by the same unit on the provincial platform). Who provides a figure is responsible for it:
both come from the project's responsible unit, so a difference is the unit's to resolve, on the side that is
wrong; nothing is overwritten. Our figure stands once the office accepted it, so the province's side is then the
one to correct; before that the unit may still correct its report here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Outcome = Literal["agrees", "differs", "no-report", "no-provincial-figure"]
CorrectOn = Literal["province", "registry"]


@dataclass(frozen=True)
class Side:
    completed_10k: Decimal
    cumulative_10k: Decimal


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    completed_difference_10k: Decimal | None
    cumulative_difference_10k: Decimal | None
    beyond_tolerance: bool
    correct_on: CorrectOn | None


def reconcile(
    ours: Side | None, ours_accepted: bool, province: Side | None, tolerance_10k: Decimal
) -> Verdict:
    """Differences are the province's figure minus ours; beyond the tolerance when either exceeds it. A side
    missing is no difference to weigh: the unit owes that side's report (催报 reminds it of ours)."""
    if ours is None and province is None:
        return Verdict("agrees", None, None, False, None)
    if ours is None:
        return Verdict("no-report", None, None, False, "registry")
    if province is None:
        return Verdict("no-provincial-figure", None, None, False, "province")
    completed = province.completed_10k - ours.completed_10k
    cumulative = province.cumulative_10k - ours.cumulative_10k
    if completed == 0 and cumulative == 0:
        return Verdict("agrees", completed, cumulative, False, None)
    beyond = abs(completed) > tolerance_10k or abs(cumulative) > tolerance_10k
    return Verdict("differs", completed, cumulative, beyond, "province" if ours_accepted else "registry")
