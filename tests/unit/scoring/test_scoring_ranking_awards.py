"""Ranking and awards: A6 award counts and tiers, eligibility passing the award down, A15 ties."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest
from unit.scoring.scoring_builders import (
    county,
    county_unit,
    department,
    department_unit,
    facts,
    key_project,
    neutral_key_projects,
    with_settings,
)

from gongjian_scoring.engine import award_count, compute, compute_unit, rank_units

COUNTIES = [
    "汉滨区", "汉阴县", "石泉县", "宁陕县", "紫阳县", "岚皋县", "平利县",
    "镇坪县", "旬阳县", "白河县", "安康高新区", "恒口示范区", "瀛湖生态旅游区",
]  # fmt: skip


def counties_with_distinct_totals(count: int) -> list[dict[str, Any]]:
    """Unit i carries i city-media items (0.3 each), so the first listed unit ranks last."""
    return [
        county_unit(name, media={"own_channels": 0, "city": i, "provincial": 0, "central": 0})
        for i, name in enumerate(COUNTIES[:count])
    ]


@pytest.mark.parametrize(("units", "awards"), [(13, 5), (4, 1), (1, 0), (2, 1), (3, 1), (21, 7), (10, 4)])
def test_award_count_is_35_percent_rounded_half_up(units: int, awards: int) -> None:
    assert award_count(units, county().settings) == awards


def test_thirteen_units_get_one_first_two_second_two_third() -> None:
    sheet = compute(county(), facts(counties_with_distinct_totals(13)))
    assert [u.award for u in sheet.units] == ["first", "second", "second", "third", "third"] + [None] * 8
    assert [u.rank for u in sheet.units] == list(range(1, 14))
    assert sheet.units[0].unit == "瀛湖生态旅游区"
    assert sheet.units[0].total == Decimal("93.6")


def test_four_units_get_one_first_prize() -> None:
    sheet = compute(county(), facts(counties_with_distinct_totals(4)))
    assert [u.award for u in sheet.units] == ["first", None, None, None]


def test_ineligible_top_unit_passes_its_prize_down() -> None:
    units = counties_with_distinct_totals(13)
    units[-1]["disqualifying_incident"] = True  # the top unit
    sheet = compute(county(), facts(units))
    top = sheet.units[0]
    assert (top.unit, top.rank, top.award, top.eligible) == ("瀛湖生态旅游区", 1, None, False)
    assert [u.award for u in sheet.units] == [None, "first", "second", "second", "third", "third"] + [
        None
    ] * 7


def test_ineligible_unit_in_the_middle_skips_only_itself() -> None:
    units = counties_with_distinct_totals(13)
    units[10]["disqualifying_incident"] = True  # ranks 3rd
    sheet = compute(county(), facts(units))
    assert [u.award for u in sheet.units][:7] == ["first", "second", None, "second", "third", "third", None]


def test_tier_sizes_are_settable() -> None:
    rule_set = with_settings(county(), a6_tier_sizes=[1, 1, None])
    sheet = compute(rule_set, facts(counties_with_distinct_totals(13)))
    assert [u.award for u in sheet.units][:6] == ["first", "second", "third", "third", "third", None]


def test_departments_are_named_advanced_units() -> None:
    units = [
        department_unit(f"部门{i:02d}", media={"own_channels": i, "city": 0, "provincial": 0, "central": 0})
        for i in range(21)
    ]
    sheet = compute(department(), facts(units, "2019-department"))
    # A6 revised: 35% of 21 is 7.35 -> 7, at most 5 advanced departments
    assert [u.award for u in sheet.units] == ["advanced"] * 5 + [None] * 16
    uncapped = compute(with_settings(department(), a6_award_cap=None), facts(units, "2019-department"))
    assert [u.award for u in uncapped.units] == ["advanced"] * 7 + [None] * 14


def test_equal_totals_share_a_rank_and_the_award_goes_to_the_higher_completion_score() -> None:
    lower_completion = neutral_key_projects()
    lower_completion[1].update(completed_10k=90)
    lower_completion[2].update(completed_10k=110)
    units = [
        county_unit("石泉县", key_projects=lower_completion),  # C1.1 34 (one project at 90%), C2.3 5: 89
        county_unit("汉阴县", planning_funds_in_place_10k=800),  # C1.1 35, C2.3 4: 89
        county_unit("宁陕县", planning_funds_in_place_10k=0),  # 85
        county_unit("紫阳县", reporting_findings=5),  # 85
    ]
    sheet = compute(county(), facts(units))
    assert [(u.unit, u.total, u.rank, u.award) for u in sheet.units] == [
        ("汉阴县", Decimal("89"), 1, "first"),
        ("石泉县", Decimal("89"), 1, None),
        ("宁陕县", Decimal("85"), 3, None),
        ("紫阳县", Decimal("85"), 3, None),
    ]


def test_last_tie_break_is_the_unit_name() -> None:
    units = [county_unit("石泉县"), county_unit("白河县"), county_unit("汉阴县"), county_unit("平利县")]
    sheet = compute(county(), facts(units))
    assert [u.rank for u in sheet.units] == [1, 1, 1, 1]
    assert [u.unit for u in sheet.units] == sorted(u["unit"] for u in units)
    assert sheet.units[0].award == "first"


def test_ranking_precomputed_unit_results_equals_a_full_compute() -> None:
    units = counties_with_distinct_totals(13)
    units[3]["key_projects"] = [key_project(i, completed=70) for i in range(1, 4)]
    units[7]["disqualifying_incident"] = True
    document = facts(units)
    rule_set = county()
    full = compute(rule_set, document)
    results = [compute_unit(rule_set, unit, document.as_of, index=i) for i, unit in enumerate(document.units)]
    random.Random(7).shuffle(results)
    assert rank_units(rule_set, results) == full.units
    # a stored result round-trips through JSON and ranks the same
    restored = [type(r).model_validate_json(r.model_dump_json()) for r in results]
    assert rank_units(rule_set, restored) == full.units


def test_ranking_rejects_a_unit_listed_twice() -> None:
    document = facts([county_unit("汉滨区")])
    result = compute_unit(county(), document.units[0], document.as_of)
    with pytest.raises(ValueError, match="once"):
        rank_units(county(), [result, result])
