"""`built`: a facts model from the read model's columns is the instance `model_construct` makes of them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from gongjian_scoring.engine.facts import KeyProject, Media, Targets, UnitFacts
from gongjian_scoring.facts.repository import built


def key_project_fields() -> dict[str, Any]:
    return {
        "code": "2019-610902-48-01-000001",
        "planned_10k": Decimal("1200.5"),
        "completed_10k": Decimal("300"),
        "new_start": True,
        "started_on": date(2019, 3, 15),
        "planned_completion": False,
        "completed_on": None,
        "removed_on": None,
        "provincial_key": True,
        "ahead_of_schedule": False,
    }


def test_a_built_model_is_the_one_model_construct_makes() -> None:
    project = built(KeyProject, **key_project_fields())
    expected = KeyProject.model_construct(**key_project_fields())
    assert project == expected
    assert project.model_fields_set == expected.model_fields_set == set(KeyProject.model_fields)
    assert project.model_dump_json() == expected.model_dump_json()
    assert repr(project) == repr(expected)
    assert (project.__pydantic_extra__, project.__pydantic_private__) == (None, None)


def test_a_built_unit_serialises_as_a_constructed_one() -> None:
    fields: dict[str, Any] = {
        "unit": "汉滨区",
        "key_projects": [built(KeyProject, **key_project_fields())],
        "prephase_projects": [],
        "planning_task_done": True,
        "planned_projects": [],
        "planning_funds_in_place_10k": Decimal(0),
        "media": built(Media, own_channels=0, city=1, provincial=0, central=2),
        "reporting_findings": 0,
        "support_failures": [],
        "mechanism": None,
        "disqualifying_incident": False,
        "targets": None,
    }
    unit = built(UnitFacts, **fields)
    assert unit == UnitFacts.model_construct(**fields)
    assert unit.model_dump_json() == UnitFacts.model_construct(**fields).model_dump_json()


@pytest.mark.parametrize(
    "fields",
    [
        {"key_projects": 1, "prephase_projects": 0},
        {"key_projects": 1, "prephase_projects": 0, "planned_projects": 0, "depth_projects": 0},
    ],
)
def test_a_model_is_built_from_all_its_fields_and_no_other(fields: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match="Targets is built from all its fields"):
        built(Targets, **fields)
