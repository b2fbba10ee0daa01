"""Rule sets as data: the two 2019 sheets load, and a bad rule set fails naming the path of the problem."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from gongjian_scoring.engine import (
    RuleSet,
    UnknownRuleSetError,
    builtin_rule_set_ids,
    load_builtin_rule_set,
    parse_rule_set,
)


def county_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(load_builtin_rule_set("2019-county").model_dump_json())
    return data


def errors_of(data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    with pytest.raises(ValidationError) as caught:
        parse_rule_set(json.dumps(data))
    return [(tuple(e["loc"]), e["type"]) for e in caught.value.errors()]


def test_builtin_rule_sets() -> None:
    assert builtin_rule_set_ids() == ("2019-county", "2019-department")


def test_county_sheet() -> None:
    rule_set = load_builtin_rule_set("2019-county")
    assert (rule_set.id, rule_set.year, rule_set.unit_kind, rule_set.version) == (
        "2019-county",
        2019,
        "county",
        1,
    )
    assert [(i.id, i.standard, i.category) for i in rule_set.items] == [
        ("C1.1", Decimal(35), "base"),
        ("C1.2", Decimal(15), "base"),
        ("C2.1", Decimal(15), "base"),
        ("C2.2", Decimal(20), "base"),
        ("C2.3", Decimal(5), "base"),
        ("C3", Decimal(5), "base"),
        ("C4.1", Decimal(5), "bonus"),
        ("C4.2", Decimal(5), "bonus"),
        ("C5.1", Decimal(-5), "deduction"),
        ("C5.2", Decimal(-5), "deduction"),
    ]
    assert rule_set.settings.a6_award_share == Decimal("0.35")


def test_department_sheet() -> None:
    rule_set = load_builtin_rule_set("2019-department")
    assert rule_set.unit_kind == "department"
    assert [(i.id, i.standard) for i in rule_set.items] == [
        ("D1.1", Decimal(10)),
        ("D1.2", Decimal(10)),
        ("D2", Decimal(45)),
        ("D3.1", Decimal(15)),
        ("D3.2", Decimal(20)),
    ]
    assert sum(i.standard for i in rule_set.items) == 100


@pytest.mark.parametrize("rule_set_id", ["2019-county", "2019-department"])
def test_every_item_quotes_its_source_text(rule_set_id: str) -> None:
    for item in load_builtin_rule_set(rule_set_id).items:
        assert "分" in item.source_text, item.id


def test_source_text_quotes_annex_3() -> None:
    rule_set = load_builtin_rule_set("2019-county")
    assert rule_set.item("C2.3").source_text == (
        "各县区安排重点项目策划的财政预算资金到位情况，每到位 100 万元资金得 0.5 分，最高得 5 分"
    )


def test_unknown_builtin_rule_set() -> None:
    with pytest.raises(UnknownRuleSetError, match="2018-county"):
        load_builtin_rule_set("2018-county")


def test_rule_set_round_trips_through_json() -> None:
    rule_set = load_builtin_rule_set("2019-county")
    assert RuleSet.model_validate_json(rule_set.model_dump_json()) == rule_set


def test_negative_cap_names_its_path() -> None:
    data = county_data()
    data["items"][5]["rule"]["cap"] = -1
    assert errors_of(data) == [(("items", 5, "rule", "cap"), "greater_than_equal")]


def test_negative_planning_tier_cap_names_its_path() -> None:
    data = county_data()
    data["items"][3]["rule"]["tier_bonus_cap"] = -10
    assert errors_of(data) == [(("items", 3, "rule", "tier_bonus_cap"), "greater_than_equal")]


def test_unknown_rule_type_names_the_rule() -> None:
    data = county_data()
    data["items"][3]["rule"]["type"] = "lottery"
    assert errors_of(data) == [(("items", 3, "rule"), "union_tag_invalid")]


def test_missing_parameter_names_its_path() -> None:
    data = county_data()
    del data["items"][0]["rule"]["deduction_cap"]
    assert errors_of(data) == [(("items", 0, "rule", "deduction_cap"), "missing")]


def test_unknown_parameter_is_an_error() -> None:
    data = county_data()
    data["items"][0]["rule"]["bonus"] = 3
    assert errors_of(data) == [(("items", 0, "rule", "bonus"), "extra_forbidden")]


def test_negative_gap_band_points_name_the_nested_path() -> None:
    data = county_data()
    data["items"][1]["rule"]["gap_bands"][2]["points"] = -3
    assert errors_of(data) == [(("items", 1, "rule", "gap_bands", 2, "points"), "greater_than_equal")]


def test_rule_set_validated_directly_names_the_same_path() -> None:
    data = county_data()
    data["items"][5]["rule"]["cap"] = -1
    with pytest.raises(ValidationError) as caught:
        RuleSet.model_validate(data)
    assert caught.value.errors()[0]["loc"] == ("items", 5, "rule", "cap")


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        (lambda d: d["items"][8].update(standard=5), ("items", 8, "standard")),
        (lambda d: d["items"][0].update(category="deduction", standard=-35), ("items", 0, "category")),
        (lambda d: d["items"][1].update(id="C1.1"), ("items", 1, "id")),
        (lambda d: d["settings"].update(a15_tie_break_item="C9"), ("settings", "a15_tie_break_item")),
        (lambda d: d["settings"].update(a15_tie_break_item="C4.1"), ("settings", "a15_tie_break_item")),
        (lambda d: d["settings"].update(a14_award_labels=["advanced"]), ("settings", "a14_award_labels")),
        (lambda d: d["settings"].update(a6_tier_sizes=[1, 2]), ("settings", "a6_tier_sizes")),
        (lambda d: d["settings"].update(a6_tier_sizes=[None, 2, 2]), ("settings", "a6_tier_sizes")),
        (lambda d: d.update(id="2020-county"), ("id",)),
        (
            lambda d: d["items"][1]["rule"]["checkpoints"][0].update(on="2020-06-30"),
            ("items", 1, "rule", "checkpoints", 0, "on"),
        ),
    ],
)
def test_inconsistent_rule_set_names_the_path(change: Any, loc: tuple[str | int, ...]) -> None:
    data = county_data()
    change(data)
    assert loc in [found for found, _ in errors_of(data)]


def test_award_share_above_one_is_an_error() -> None:
    data = county_data()
    data["settings"]["a6_award_share"] = 1.5
    assert errors_of(data) == [(("settings", "a6_award_share"), "less_than_equal")]
