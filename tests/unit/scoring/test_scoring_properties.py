"""Properties over generated facts: caps and floors hold, and more completed investment never lowers a total."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongjian_scoring.engine import RuleSet, UnitResult, compute_unit, load_builtin_rule_set, parse_facts
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

AS_OF = date(2019, 12, 31)
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

amounts = st.decimals(min_value=0, max_value=30000, places=2, allow_nan=False, allow_infinity=False)
days = st.integers(min_value=0, max_value=364).map(lambda n: date(2019, 1, 1) + timedelta(days=n))


@st.composite
def key_projects(draw: st.DrawFn) -> list[dict[str, Any]]:
    projects = []
    for n in range(draw(st.integers(min_value=0, max_value=8))):
        projects.append(
            {
                "code": f"2019-610902-48-01-{n:06d}",
                "planned_10k": draw(amounts),
                "completed_10k": draw(amounts),
                "new_start": draw(st.booleans()),
                "started_on": draw(st.none() | days),
                "planned_completion": draw(st.booleans()),
                "completed_on": draw(st.none() | days),
                "removed_on": draw(st.none() | st.none() | days),
                "provincial_key": draw(st.booleans()),
                "ahead_of_schedule": draw(st.booleans()),
            }
        )
    return projects


@st.composite
def units(draw: st.DrawFn) -> dict[str, Any]:
    counts = st.integers(min_value=0, max_value=40)
    planned = st.fixed_dictionaries(
        {
            # a code is one line of text (no control character): what the facts document admits
            "code": st.text(
                st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=3
            ),
            "total_investment_10k": st.decimals(min_value=0, max_value=3000000, places=0),
            "depth": st.sampled_from(["none", "proposal", "feasibility"]),
            "in_prephase_plan_and_filed": st.booleans(),
            "proposed_for_next_year": st.booleans(),
        }
    )
    return {
        "unit": "汉滨区",
        "key_projects": draw(key_projects()),
        "prephase_projects": draw(
            st.lists(st.builds(lambda d: {"code": "Q", "done": d}, st.booleans()), max_size=40)
        ),
        "planning_task_done": draw(st.booleans()),
        "planned_projects": draw(st.lists(planned, max_size=15)),
        "planning_funds_in_place_10k": draw(st.decimals(min_value=0, max_value=3000, places=2)),
        "media": {
            "own_channels": draw(counts),
            "city": draw(counts),
            "provincial": draw(counts),
            "central": draw(counts),
        },
        "reporting_findings": draw(st.integers(min_value=0, max_value=10)),
        "support_failures": draw(st.lists(st.builds(lambda s: {"severe": s}, st.booleans()), max_size=8)),
        "mechanism": {
            "established": draw(st.booleans()),
            "managed": draw(st.booleans()),
            "monthly_reporting": draw(st.booleans()),
        },
        "disqualifying_incident": draw(st.booleans()),
    }


def score(rule_set: RuleSet, unit: dict[str, Any]) -> UnitResult:
    document = {"rule_set": rule_set.id, "year": 2019, "as_of": AS_OF.isoformat(), "units": [unit]}
    facts = parse_facts(json.dumps(document, default=str, ensure_ascii=False))
    return compute_unit(rule_set, facts.units[0], AS_OF)


def bounds(rule_set: RuleSet, item_id: str, unit: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """The least and most an item can give under its caps and floors, by hand from the rule parameters."""
    rule = rule_set.item(item_id).rule
    if isinstance(
        rule, CompletionRatioRule | FundsPerUnitRule | MediaRule | ProvincialBonusRule | PromotionBonusRule
    ):
        return Decimal(0), rule.cap
    if isinstance(rule, StartCheckpointsRule | PrephaseRule):
        return rule.floor, rule.full
    if isinstance(rule, PerCountDeductionRule | SupportFailuresRule):
        return -rule.cap, Decimal(0)
    if isinstance(rule, MechanismJudgementRule):
        return Decimal(0), rule.established + rule.managed + rule.monthly_reporting
    if isinstance(rule, PlanningRule):
        per_project = rule.feasibility_bonus + rule.filed_bonus
        return Decimal(0), rule.base + rule.tier_bonus_cap + len(unit["planned_projects"]) * per_project
    raise AssertionError(rule)


@PROPERTY_SETTINGS
@given(unit=units(), kind=st.sampled_from(["2019-county", "2019-department"]))
def test_no_item_exceeds_its_caps_or_floors(unit: dict[str, Any], kind: str) -> None:
    rule_set = load_builtin_rule_set(kind)
    result = score(rule_set, unit)
    for item in result.items:
        low, high = bounds(rule_set, item.id, unit)
        assert low <= item.points <= high, (item.id, item.points, item.explanation)


@PROPERTY_SETTINGS
@given(
    unit=units(),
    kind=st.sampled_from(["2019-county", "2019-department"]),
    which=st.integers(min_value=0),
    more=st.decimals(min_value=Decimal("0.01"), max_value=20000, places=2),
)
def test_total_never_falls_when_completed_investment_rises(
    unit: dict[str, Any], kind: str, which: int, more: Decimal
) -> None:
    rule_set = load_builtin_rule_set(kind)
    before = score(rule_set, unit)
    if unit["key_projects"]:
        project = unit["key_projects"][which % len(unit["key_projects"])]
        project["completed_10k"] += more
    after = score(rule_set, unit)
    assert after.total >= before.total
    tie_break = rule_set.settings.a15_tie_break_item
    assert after.points_of(tie_break) >= before.points_of(tie_break)
