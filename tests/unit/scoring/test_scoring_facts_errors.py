"""Bad facts: each error names the unit and the field, in one `FactsError` an HTTP layer can render."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from unit.scoring.scoring_builders import (
    county,
    county_unit,
    department,
    department_unit,
    facts,
    facts_dict,
    key_project,
    neutral_key_projects,
    planned_project,
)

from gongjian_scoring.engine import FactsError, compute, parse_facts


def parse_error(document: dict[str, Any]) -> FactsError:
    with pytest.raises(FactsError) as caught:
        parse_facts(json.dumps(document, ensure_ascii=False, default=str))
    return caught.value


def compute_error(rule_set_id: str, document: dict[str, Any], as_of: date | None = None) -> FactsError:
    rule_set = county() if rule_set_id == "2019-county" else department()
    with pytest.raises(FactsError) as caught:
        compute(rule_set, parse_facts(json.dumps(document, ensure_ascii=False, default=str)), as_of)
    return caught.value


def test_negative_amount_is_an_error_naming_unit_and_field() -> None:
    projects = neutral_key_projects()
    projects[2]["planned_10k"] = -5
    error = parse_error(facts_dict([county_unit("石泉县"), county_unit("紫阳县", key_projects=projects)]))
    assert [e["loc"] for e in error.errors] == [["units", 1, "key_projects", 2, "planned_10k"]]
    assert error.errors[0]["msg"].startswith("紫阳县: ")
    assert "units[1].key_projects[2].planned_10k" in str(error)


def test_negative_planning_funds_is_an_error() -> None:
    error = parse_error(facts_dict([county_unit(planning_funds_in_place_10k=-1)]))
    assert error.errors[0]["loc"] == ["units", 0, "planning_funds_in_place_10k"]


def test_unknown_depth_is_an_error() -> None:
    error = parse_error(facts_dict([county_unit(planned_projects=[planned_project(depth="sketch")])]))
    assert error.errors[0]["loc"] == ["units", 0, "planned_projects", 0, "depth"]
    assert "汉滨区" in error.errors[0]["msg"]


@pytest.mark.parametrize("field", ["started_on", "completed_on", "removed_on"])
def test_date_after_as_of_is_an_error(field: str) -> None:
    projects = neutral_key_projects()
    projects[1][field] = "2019-07-01"
    error = parse_error(facts_dict([county_unit(key_projects=projects)], as_of="2019-06-30"))
    assert error.errors[0]["loc"] == ["units", 0, "key_projects", 1, field]
    assert "汉滨区" in error.errors[0]["msg"]
    assert "after as_of 2019-06-30" in error.errors[0]["msg"]


def test_date_on_as_of_is_fine() -> None:
    projects = neutral_key_projects()
    projects[1].update(new_start=True, started_on="2019-06-30")
    document = parse_facts(json.dumps(facts_dict([county_unit(key_projects=projects)], as_of="2019-06-30")))
    assert document.units[0].key_projects is not None
    assert document.units[0].key_projects[1].started_on == date(2019, 6, 30) == document.as_of
    sheet = compute(county(), document)
    assert (sheet.as_of, [unit.unit for unit in sheet.units]) == (date(2019, 6, 30), ["汉滨区"])


def test_malformed_project_code_is_an_error() -> None:
    error = parse_error(facts_dict([county_unit(key_projects=[key_project(1, code="12345")])]))
    assert error.errors[0]["loc"] == ["units", 0, "key_projects", 0, "code"]


def test_unit_listed_twice_is_an_error() -> None:
    error = parse_error(facts_dict([county_unit("汉滨区"), county_unit("汉滨区")]))
    assert error.errors[0]["loc"] == ["units", 1, "unit"]


def test_project_listed_twice_is_an_error() -> None:
    projects = neutral_key_projects()
    projects[1]["code"] = projects[0]["code"]
    error = parse_error(facts_dict([county_unit(key_projects=projects)]))
    assert error.errors[0]["loc"] == ["units", 0, "key_projects", 1, "code"]


def test_invalid_json_is_a_facts_error() -> None:
    with pytest.raises(FactsError):
        parse_facts("{not json")


def test_mechanism_missing_from_department_facts_names_unit_and_field() -> None:
    unit = department_unit("市住建局")
    del unit["mechanism"]
    error = compute_error(
        "2019-department", facts_dict([department_unit(), unit], rule_set="2019-department")
    )
    assert len(error.errors) == 1
    assert error.errors[0]["loc"] == ["units", 1, "mechanism"]
    assert error.errors[0]["type"] == "missing"
    assert "市住建局" in error.errors[0]["msg"]
    assert "D1.1" in error.errors[0]["msg"]


def test_county_facts_without_mechanism_are_fine() -> None:
    assert "mechanism" not in county_unit()
    compute(county(), facts([county_unit()]))


def test_planning_funds_missing_from_county_facts_is_an_error() -> None:
    unit = county_unit()
    del unit["planning_funds_in_place_10k"]
    error = compute_error("2019-county", facts_dict([unit]))
    assert error.errors[0]["loc"] == ["units", 0, "planning_funds_in_place_10k"]
    assert "汉滨区" in error.errors[0]["msg"]
    assert "C2.3" in error.errors[0]["msg"]


def test_project_field_missing_names_the_project() -> None:
    projects = neutral_key_projects()
    del projects[3]["provincial_key"]
    error = compute_error("2019-county", facts_dict([county_unit(key_projects=projects)]))
    assert error.errors[0]["loc"] == ["units", 0, "key_projects", 3, "provincial_key"]
    assert "C4.1" in error.errors[0]["msg"]


def test_one_missing_field_needed_by_several_items_is_reported_once() -> None:
    unit = county_unit()
    del unit["key_projects"]
    error = compute_error("2019-county", facts_dict([unit]))
    assert [e["loc"] for e in error.errors] == [["units", 0, "key_projects"]]
    assert "C1.1, C1.2, C4.1" in error.errors[0]["msg"]


def test_missing_eligibility_is_an_error() -> None:
    unit = department_unit()
    del unit["disqualifying_incident"]
    error = compute_error("2019-department", facts_dict([unit], rule_set="2019-department"))
    assert error.errors[0]["loc"] == ["units", 0, "disqualifying_incident"]


def test_rule_set_of_another_unit_kind_is_an_error() -> None:
    error = compute_error("2019-department", facts_dict([county_unit()]))
    assert error.errors[0]["loc"] == ["rule_set"]
    assert error.errors[0]["type"] == "unit_kind_mismatch"


def test_unknown_facts_rule_set_is_an_error() -> None:
    error = compute_error("2019-county", facts_dict([county_unit()], rule_set="2018-county"))
    assert error.errors[0]["loc"] == ["rule_set"]


def test_year_mismatch_is_an_error() -> None:
    document = facts_dict([county_unit()])
    document["year"] = 2020
    document["as_of"] = "2020-12-31"
    error = compute_error("2019-county", document)
    assert error.errors[0]["loc"] == ["year"]


def test_scoring_as_of_a_date_before_the_facts_is_an_error() -> None:
    error = compute_error("2019-county", facts_dict([county_unit()]), date(2019, 6, 30))
    assert error.errors[0]["loc"] == ["as_of"]
