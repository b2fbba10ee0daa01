"""Builders for facts documents in the scoring tests: a neutral unit whose score is easy to compute by hand.

Neutral county unit: C1.1 35 (5 projects at 100%), C1.2 15 (one new start in March), C2.1 15, C2.2 20,
C2.3 5 (1000 万元), C3 0, bonuses 0, deductions 0: total 90.
Neutral department unit: D1.1 10, D1.2 0, D2 45, D3.1 15, D3.2 10: total 80.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from gongjian_scoring.engine import (
    FactsDocument,
    RuleSet,
    UnitResult,
    UnitScore,
    compute_unit,
    load_builtin_rule_set,
    parse_facts,
    parse_rule_set,
)

YEAR_END = date(2019, 12, 31)


def code(n: int) -> str:
    return f"2019-610902-48-01-{n:06d}"


def key_project(n: int = 1, planned: Any = 100, completed: Any = 100, **fields: Any) -> dict[str, Any]:
    project: dict[str, Any] = {
        "code": code(n),
        "planned_10k": planned,
        "completed_10k": completed,
        "new_start": False,
        "started_on": None,
        "planned_completion": False,
        "completed_on": None,
        "removed_on": None,
        "provincial_key": False,
        "ahead_of_schedule": False,
    }
    project.update(fields)
    return project


def planned_project(n: int = 1, total: Any = 100, depth: str = "proposal", **fields: Any) -> dict[str, Any]:
    project: dict[str, Any] = {
        "code": f"P{n}",
        "total_investment_10k": total,
        "depth": depth,
        "in_prephase_plan_and_filed": False,
        "proposed_for_next_year": False,
    }
    project.update(fields)
    return project


def neutral_key_projects(count: int = 5) -> list[dict[str, Any]]:
    projects = [key_project(i) for i in range(1, count + 1)]
    projects[0].update(new_start=True, started_on="2019-03-01")
    return projects


def county_unit(name: str = "汉滨区", **fields: Any) -> dict[str, Any]:
    unit: dict[str, Any] = {
        "unit": name,
        "key_projects": neutral_key_projects(),
        "prephase_projects": [{"code": "Q1", "done": True}, {"code": "Q2", "done": True}],
        "planning_task_done": True,
        "planned_projects": [planned_project()],
        "planning_funds_in_place_10k": 1000,
        "media": {"own_channels": 0, "city": 0, "provincial": 0, "central": 0},
        "reporting_findings": 0,
        "support_failures": [],
        "disqualifying_incident": False,
    }
    unit.update(fields)
    return unit


def department_unit(name: str = "市发改委", **fields: Any) -> dict[str, Any]:
    unit: dict[str, Any] = {
        "unit": name,
        "key_projects": [key_project(1)],
        "prephase_projects": [{"code": "Q1", "done": True}],
        "planning_task_done": True,
        "planned_projects": [planned_project()],
        "media": {"own_channels": 0, "city": 0, "provincial": 0, "central": 0},
        "mechanism": {"established": True, "managed": True, "monthly_reporting": True},
        "disqualifying_incident": False,
    }
    unit.update(fields)
    return unit


def facts_dict(
    units: list[dict[str, Any]], rule_set: str = "2019-county", as_of: str = "2019-12-31"
) -> dict[str, Any]:
    return {"rule_set": rule_set, "year": 2019, "as_of": as_of, "units": units}


def facts(
    units: list[dict[str, Any]], rule_set: str = "2019-county", as_of: str = "2019-12-31"
) -> FactsDocument:
    """Through JSON text, as a real document arrives, so that amounts are exact decimals."""
    return parse_facts(json.dumps(facts_dict(units, rule_set, as_of), default=str, ensure_ascii=False))


def county() -> RuleSet:
    return load_builtin_rule_set("2019-county")


def department() -> RuleSet:
    return load_builtin_rule_set("2019-department")


def with_settings(rule_set: RuleSet, **changes: Any) -> RuleSet:
    data = json.loads(rule_set.model_dump_json())
    data["settings"].update(changes)
    return parse_rule_set(json.dumps(data))


def score(unit: dict[str, Any], rule_set: RuleSet | None = None, as_of: date = YEAR_END) -> UnitResult:
    rule_set = rule_set or county()
    document = facts([unit], rule_set.id, as_of.isoformat())
    return compute_unit(rule_set, document.units[0], as_of)


def points(result: UnitResult | UnitScore, item_id: str) -> Decimal:
    return result.points_of(item_id)


def explanation(result: UnitResult | UnitScore, item_id: str) -> str:
    return result.item(item_id).explanation


def applicable(result: UnitResult | UnitScore, item_id: str) -> bool:
    return result.item(item_id).applicable
