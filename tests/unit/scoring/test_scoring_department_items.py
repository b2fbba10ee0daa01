"""Sheet D (市直部门), item by item, and A5 for a department with no key projects."""

from __future__ import annotations

from decimal import Decimal

import pytest
from unit.scoring.scoring_builders import (
    applicable,
    department,
    department_unit,
    explanation,
    key_project,
    planned_project,
    points,
    score,
    with_settings,
)


def test_neutral_department_scores_80() -> None:
    result = score(department_unit(), department())
    assert result.total == 80
    assert [points(result, i) for i in ("D1.1", "D1.2", "D2", "D3.1", "D3.2")] == [10, 0, 45, 15, 10]


@pytest.mark.parametrize(
    ("established", "managed", "monthly", "expected"),
    [
        (True, True, True, "10"),
        (True, False, True, "7"),
        (False, True, False, "3"),
        (False, False, False, "0"),
    ],
)
def test_mechanism_checks(established: bool, managed: bool, monthly: bool, expected: str) -> None:
    mechanism = {"established": established, "managed": managed, "monthly_reporting": monthly}
    assert points(score(department_unit(mechanism=mechanism), department()), "D1.1") == Decimal(expected)


def test_department_publicity_counts_own_channels() -> None:
    media = {"own_channels": 10, "city": 2, "provincial": 1, "central": 1}
    # 10 × 0.1 + 2 × 0.5 + 1 × 1 + 1 × 2 = 5
    assert points(score(department_unit(media=media), department()), "D1.2") == 5


def test_department_publicity_capped_at_10() -> None:
    media = {"own_channels": 3, "city": 0, "provincial": 0, "central": 5}
    result = score(department_unit(media=media), department())
    assert points(result, "D1.2") == 10
    assert "10.3, 最高 capped at 10" in explanation(result, "D1.2")


def test_department_completion_has_no_per_project_deductions() -> None:
    projects = [key_project(1, planned=200, completed=100), key_project(2, planned=200, completed=200)]
    # 300/400 × 45 = 33.75, no deductions on sheet D
    assert points(score(department_unit(key_projects=projects), department()), "D2") == Decimal("33.75")


def test_department_completion_capped_at_45() -> None:
    projects = [key_project(1, planned=100, completed=130)]
    assert points(score(department_unit(key_projects=projects), department()), "D2") == 45


@pytest.mark.parametrize(
    ("done", "expected"),
    [([False], "5"), ([True, False], "12"), ([False, False], "9"), ([False] * 6, "0"), ([True] * 3, "15")],
)
def test_department_prephase(done: list[bool], expected: str) -> None:
    projects = [{"code": f"Q{i}", "done": d} for i, d in enumerate(done)]
    assert points(score(department_unit(prephase_projects=projects), department()), "D3.1") == Decimal(
        expected
    )


def test_department_planning_base_is_10() -> None:
    projects = [planned_project(1, total=1000000, depth="feasibility", in_prephase_plan_and_filed=True)]
    # 10 + 5 (A10: highest tier only) + 1 + 1
    assert points(score(department_unit(planned_projects=projects), department()), "D3.2") == 17


def test_department_without_key_projects_is_prorated() -> None:
    result = score(department_unit(key_projects=[]), department())
    assert not applicable(result, "D2")
    assert points(result, "D2") == 0
    # (10 + 0 + 15 + 10) × 100/55 = 63.6363...
    assert result.total == Decimal("63.64")
    assert "35 × 100/55 = 63.64" in explanation(result, "D2")


def test_department_without_key_projects_full_marks_setting() -> None:
    rule_set = with_settings(department(), a5_not_applicable="full")
    result = score(department_unit(key_projects=[]), rule_set)
    assert points(result, "D2") == 45
    assert result.total == 80


def test_department_without_key_projects_zero_setting() -> None:
    rule_set = with_settings(department(), a5_not_applicable="zero")
    result = score(department_unit(key_projects=[]), rule_set)
    assert points(result, "D2") == 0
    assert result.total == 35


def test_department_whose_only_project_was_removed_is_prorated() -> None:
    projects = [key_project(1, completed=0, removed_on="2019-05-01")]
    result = score(department_unit(key_projects=projects), department())
    assert not applicable(result, "D2")
    assert result.total == Decimal("63.64")


def test_department_without_prephase_or_planned_projects() -> None:
    result = score(
        department_unit(prephase_projects=[], planned_projects=[], planning_task_done=False), department()
    )
    assert not applicable(result, "D3.1")
    assert not applicable(result, "D3.2")
    # (10 + 0 + 45) × 100/65 = 84.615...
    assert result.total == Decimal("84.62")


def test_department_facts_need_no_county_only_fields() -> None:
    unit = department_unit()
    assert "planning_funds_in_place_10k" not in unit
    assert "reporting_findings" not in unit
    assert score(unit, department()).total == 80
