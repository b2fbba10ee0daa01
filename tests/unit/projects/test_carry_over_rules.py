"""The carry-over rules (结转) as a pure function: which of last year's entries may enter the year, as what."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from gongjian_projects.models import Project
from gongjian_projects.plans.carry_over import refusal, suggested_category


def entry(**fields: Any) -> Project:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "identity_id": uuid.uuid4(),
        "year": 2019,
        "kind": "key",
        "status": "started",
        "plan_category": "continuing",
        "proposed_for_next_year": None,
        "planned_completion": date(2021, 6, 30),
    }
    return Project(**(values | fields))


def rule_of(source: Project | None, category: str = "continuing", *, carried: bool = False) -> str | None:
    found = refusal(source, 2020, category, carried=carried)
    return None if found is None else f"{found.kind}:{found.field}:{found.rule}"


@pytest.mark.parametrize("category", ["continuing", "completion"])
def test_a_started_key_project_carries_as_continuing_or_completion(category: str) -> None:
    assert rule_of(entry(), category) is None
    assert rule_of(entry(plan_category="new-start"), category) is None  # a new start that started


def test_a_key_project_does_not_carry_as_a_new_start() -> None:
    assert rule_of(entry(), "new-start") == "invalid:plan_category:carried-category"


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"status": "completed"}, "not-completed"),
        ({"status": "removed"}, "on-plan"),
        ({"status": "planned"}, "started"),
        ({"year": 2018}, "previous-year"),
        ({"year": 2020}, "previous-year"),
        ({"kind": "prephase", "status": "planned"}, "carried-kind"),
        ({"kind": "attraction", "status": "planned"}, "carried-kind"),
        ({"kind": "planned", "status": "planned", "proposed_for_next_year": False}, "proposed-for-next-year"),
        ({"kind": "planned", "status": "removed", "proposed_for_next_year": True}, "on-plan"),
    ],
)
def test_what_does_not_carry_over(fields: dict[str, Any], rule: str) -> None:
    assert rule_of(entry(**fields)) == f"conflict:from_project_id:{rule}"


def test_an_entry_already_in_the_year_or_unknown_is_refused() -> None:
    assert rule_of(entry(), carried=True) == "conflict:from_project_id:not-carried-yet"
    assert rule_of(None) == "not-found:from_project_id:exists"


def test_a_planned_project_proposed_for_next_year_is_promoted_as_a_new_start() -> None:
    planned = entry(kind="planned", status="planned", proposed_for_next_year=True)
    assert rule_of(planned, "new-start") is None
    assert rule_of(planned, "continuing") == "invalid:plan_category:carried-category"
    assert suggested_category(planned, 2020) == "new-start"


def test_the_suggested_category_follows_the_planned_completion() -> None:
    assert suggested_category(entry(planned_completion=date(2020, 12, 31)), 2020) == "completion"
    assert suggested_category(entry(planned_completion=date(2021, 1, 1)), 2020) == "continuing"
    assert suggested_category(entry(planned_completion=None), 2020) == "continuing"
    assert suggested_category(entry(kind="attraction"), 2020) is None
