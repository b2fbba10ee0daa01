"""Scores from the plan (issue 12, part 6): the Annex 2 targets in the facts decide applicability and the
pre-phase and planning counts (A16) and which units are ranked (A17); departments' awards are 35% of the
ranked ones, at most 5 (A6 revised); ahead of the time-schedule is strictly ahead (A18).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from unit.scoring.scoring_builders import (
    applicable,
    county,
    county_unit,
    department,
    department_unit,
    explanation,
    facts,
    facts_dict,
    key_project,
    neutral_key_projects,
    planned_project,
    points,
    score,
    with_settings,
)

from gongjian_scoring.engine import FactsError, award_count, compute, compute_unit, parse_facts, rank_units
from gongjian_scoring.facts.service import ahead_of_schedule


def targets(key: int = 5, prephase: int = 2, planned: int = 1) -> dict[str, int]:
    return {"key_projects": key, "prephase_projects": prephase, "planned_projects": planned}


def prephase(*done: bool) -> list[dict[str, Any]]:
    return [{"code": f"Q{i}", "done": d} for i, d in enumerate(done, start=1)]


# --- the facts document -------------------------------------------------------------------------------------


def test_a_document_without_targets_keeps_its_shape() -> None:
    document = facts([county_unit()])
    assert document.units[0].targets is None
    assert "targets" not in document.model_dump(mode="json")["units"][0]


def test_targets_round_trip_and_other_annex_2_columns_are_ignored() -> None:
    unit = county_unit(targets={**targets(3, 2, 1), "investment_10k": 500000})
    document = facts([unit])
    dumped = document.model_dump(mode="json")["units"][0]["targets"]
    assert dumped == {"key_projects": 3, "prephase_projects": 2, "planned_projects": 1}


def test_a_negative_or_missing_target_is_refused_naming_the_unit_and_field() -> None:
    with pytest.raises(FactsError) as negative:
        facts([county_unit(targets=targets(prephase=-1))])
    assert any("prephase_projects" in str(e) for e in negative.value.errors)
    partial = county_unit(targets={"key_projects": 1, "prephase_projects": 1})
    with pytest.raises(FactsError) as missing:
        parse_facts(json.dumps(facts_dict([partial]), ensure_ascii=False))
    assert any("planned_projects" in str(e) for e in missing.value.errors)


def test_the_neutral_county_scores_the_same_with_targets_matching_its_registrations() -> None:
    without = score(county_unit())
    with_targets = score(county_unit(targets=targets(5, 2, 1)))
    assert without.total == with_targets.total == 90
    assert [i.points for i in without.items] == [i.points for i in with_targets.items]


# --- A16: pre-phase work ------------------------------------------------------------------------------------


def test_prephase_target_0_makes_the_item_not_applicable_whatever_the_unit_registered() -> None:
    result = score(county_unit(prephase_projects=prephase(True, False), targets=targets(prephase=0)))
    assert not applicable(result, "C2.1")
    assert "Annex 2 target prephase_projects is 0" in explanation(result, "C2.1")


def test_prephase_target_1_with_nothing_registered_is_the_single_project_not_done() -> None:
    county_result = score(county_unit(prephase_projects=[], targets=targets(prephase=1)))
    assert applicable(county_result, "C2.1")
    assert points(county_result, "C2.1") == 10  # 15 - 5
    dept = score(department_unit(prephase_projects=[], targets=targets(1, 1, 1)), department())
    assert points(dept, "D3.1") == 5  # 15 - 10


def test_without_targets_nothing_registered_is_still_not_applicable() -> None:
    result = score(county_unit(prephase_projects=[]))
    assert not applicable(result, "C2.1")


def test_prephase_registered_fewer_than_target_counts_each_missing_project_as_not_done() -> None:
    result = score(county_unit(prephase_projects=prephase(True, True), targets=targets(prephase=4)))
    assert points(result, "C2.1") == Decimal("14")  # 2 of 4 not done: 15 - 2 x 0.5
    assert "2/4" in explanation(result, "C2.1")
    assert "2 projects not registered" in explanation(result, "C2.1")
    dept = score(department_unit(prephase_projects=prephase(True), targets=targets(1, 3, 1)), department())
    assert points(dept, "D3.1") == 9  # 2 of 3 not done: 15 - 2 x 3


def test_prephase_registered_as_many_as_target_and_all_done_scores_full() -> None:
    result = score(county_unit(prephase_projects=prephase(True, True), targets=targets(prephase=2)))
    assert points(result, "C2.1") == 15


def test_prephase_registered_more_than_target_counts_the_registered() -> None:
    result = score(county_unit(prephase_projects=prephase(True, False), targets=targets(prephase=1)))
    assert points(result, "C2.1") == Decimal("14.5")  # 1 of 2 not done, not the single-project rule


# --- A16: planning ------------------------------------------------------------------------------------------


def test_planned_target_0_makes_the_planning_item_not_applicable_whatever_the_unit_registered() -> None:
    result = score(county_unit(targets=targets(planned=0)))
    assert not applicable(result, "C2.2")
    dept = score(department_unit(targets=targets(1, 1, 0)), department())
    assert not applicable(dept, "D3.2")


def test_planning_task_done_needs_as_many_projects_at_proposal_depth_as_the_target() -> None:
    one = [planned_project(1)]
    short = score(county_unit(planned_projects=one, targets=targets(planned=2)))
    assert applicable(short, "C2.2")
    assert points(short, "C2.2") == 0
    assert "1 planned projects at proposal depth or deeper, Annex 2 target 2" in explanation(short, "C2.2")
    two = [planned_project(1), planned_project(2, depth="feasibility")]
    enough = score(county_unit(planned_projects=two, targets=targets(planned=2)))
    assert points(enough, "C2.2") == 21  # base 20, feasibility +1


def test_a_planned_project_without_proposal_depth_does_not_count_towards_the_target() -> None:
    projects = [planned_project(1), planned_project(2, depth="none")]
    result = score(county_unit(planned_projects=projects, targets=targets(planned=2)))
    assert points(result, "C2.2") == 0


def test_planning_not_reported_done_has_no_base_even_with_enough_projects() -> None:
    result = score(county_unit(planning_task_done=False, targets=targets(planned=1)))
    assert points(result, "C2.2") == 0


def test_planned_target_1_with_nothing_registered_applies_and_scores_0() -> None:
    result = score(county_unit(planned_projects=[], planning_task_done=False, targets=targets(planned=1)))
    assert applicable(result, "C2.2")
    assert points(result, "C2.2") == 0
    assert result.total == 70  # no proration: 35 + 15 + 15 + 0 + 5


# --- A16: key projects --------------------------------------------------------------------------------------


def test_county_key_project_items_apply_with_key_target_0_and_no_key_project_scoring_0() -> None:
    result = score(county_unit(key_projects=[], targets=targets(key=0)))
    assert applicable(result, "C1.1") and applicable(result, "C1.2")
    assert points(result, "C1.1") == points(result, "C1.2") == 0
    assert result.total == 40  # 15 + 20 + 5, not prorated


def test_county_start_item_applies_without_new_starts_and_deducts_nothing() -> None:
    no_new_start = [key_project(i) for i in range(1, 6)]
    assert not applicable(score(county_unit(key_projects=no_new_start)), "C1.2")
    result = score(county_unit(key_projects=no_new_start, targets=targets()))
    assert applicable(result, "C1.2")
    assert points(result, "C1.2") == 15


def test_department_key_target_0_makes_d2_not_applicable_whatever_the_unit_registered() -> None:
    result = score(department_unit(targets=targets(0, 1, 1)), department())
    assert not applicable(result, "D2")
    assert result.total == Decimal("63.64")  # (10 + 15 + 10) prorated: 35 x 100/55


def test_department_key_target_1_with_no_registered_key_project_scores_d2_0() -> None:
    result = score(department_unit(key_projects=[], targets=targets(1, 1, 1)), department())
    assert applicable(result, "D2")
    assert points(result, "D2") == 0
    assert result.total == 35
    assert not applicable(score(department_unit(key_projects=[]), department()), "D2")  # without targets


def test_key_project_completion_keeps_the_registered_plan_as_denominator() -> None:
    projects = neutral_key_projects(2)
    projects[1].update(completed_10k=50)
    result = score(county_unit(key_projects=projects, targets=targets(key=5)))
    # 150/200 x 35 = 26.25, one project below 80% with fewer than 5 projects: -5
    assert points(result, "C1.1") == Decimal("21.25")


# --- A17: who is ranked -------------------------------------------------------------------------------------


def ranked_departments(count: int, unassessed: int = 0) -> list[dict[str, Any]]:
    """`count` departments with a task, with distinct totals; then `unassessed` with no task but top scores."""
    units = [
        department_unit(
            f"部门{i:02d}",
            media={"own_channels": i, "city": 0, "provincial": 0, "central": 0},
            targets=targets(1, 1, 1),
        )
        for i in range(count)
    ]
    units += [
        department_unit(
            f"无任务{i:02d}",
            media={"own_channels": 0, "city": 0, "provincial": 0, "central": 5},
            targets=targets(0, 0, 0),
        )
        for i in range(unassessed)
    ]
    return units


def test_a_unit_with_all_targets_0_is_shown_but_not_ranked() -> None:
    sheet = compute(department(), facts(ranked_departments(3, unassessed=2), "2019-department"))
    lines = [(u.unit, u.rank, u.award, u.assessed) for u in sheet.units]
    assert lines == [
        ("部门02", 1, "advanced", True),
        ("部门01", 2, None, True),
        ("部门00", 3, None, True),
        ("无任务00", None, None, False),
        ("无任务01", None, None, False),
    ]
    assert sheet.units[3].total > sheet.units[0].total  # scored, but not ranked
    line = sheet.model_dump(mode="json")["units"][3]
    assert (line["rank"], line["award"], line["assessed"]) == (None, None, False)


def test_a_unit_with_one_target_of_1_is_ranked() -> None:
    units = [
        department_unit("甲", targets=targets(0, 0, 1)),
        department_unit("乙", targets=targets(0, 1, 0)),
        department_unit("丙", targets=targets(1, 0, 0)),
        department_unit("丁", targets=targets(0, 0, 0)),
    ]
    sheet = compute(department(), facts(units, "2019-department"))
    assert {u.unit: u.assessed for u in sheet.units} == {"甲": True, "乙": True, "丙": True, "丁": False}


def test_without_targets_every_unit_is_ranked_and_the_sheet_has_no_assessed_field() -> None:
    sheet = compute(department(), facts([department_unit("甲"), department_unit("乙")], "2019-department"))
    assert [u.rank for u in sheet.units] == [1, 1]
    assert all(u.assessed for u in sheet.units)
    assert all("assessed" not in line for line in sheet.model_dump(mode="json")["units"])


def test_units_not_assessed_do_not_count_in_n_for_the_awards() -> None:
    # 3 ranked: 35% of 3 = 1.05 -> 1; counting the 10 others it would be 4.55 -> 5
    sheet = compute(department(), facts(ranked_departments(3, unassessed=10), "2019-department"))
    assert [u.award for u in sheet.units].count("advanced") == 1


def test_ranking_stored_results_with_units_not_assessed_equals_a_full_compute() -> None:
    document = facts(ranked_departments(4, unassessed=2), "2019-department")
    rule_set = department()
    full = compute(rule_set, document)
    results = [compute_unit(rule_set, unit, document.as_of, index=i) for i, unit in enumerate(document.units)]
    restored = [type(r).model_validate_json(r.model_dump_json()) for r in reversed(results)]
    assert [r.assessed for r in restored] == [False, False, True, True, True, True]
    assert rank_units(rule_set, restored) == full.units


def test_a_county_with_targets_is_ranked_with_the_counties_without() -> None:
    units = [county_unit("汉滨区", targets=targets()), county_unit("白河县", reporting_findings=1)]
    sheet = compute(county(), facts(units))
    assert [(u.unit, u.rank, u.assessed) for u in sheet.units] == [("汉滨区", 1, True), ("白河县", 2, True)]


# --- A6 revised: awards for departments ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ranked", "awards"),
    [(1, 0), (2, 1), (4, 1), (5, 2), (10, 4), (13, 5), (14, 5), (15, 5), (16, 5), (17, 5), (30, 5)],
)
def test_department_awards_are_35_percent_of_the_ranked_rounded_half_up_at_most_5(
    ranked: int, awards: int
) -> None:
    assert award_count(ranked, department().settings) == awards


@pytest.mark.parametrize(("units", "awards"), [(16, 6), (17, 6), (30, 11)])
def test_county_awards_have_no_cap(units: int, awards: int) -> None:
    assert award_count(units, county().settings) == awards


def test_the_department_award_cap_is_a_setting() -> None:
    assert department().settings.a6_award_cap == 5
    assert county().settings.a6_award_cap is None
    assert award_count(16, with_settings(department(), a6_award_cap=None).settings) == 6
    assert award_count(16, with_settings(department(), a6_award_cap=3).settings) == 3
    assert award_count(16, with_settings(department(), a6_award_cap=5, a6_rounding="down").settings) == 5
    assert award_count(14, with_settings(department(), a6_rounding="down").settings) == 4


def test_sixteen_ranked_departments_get_five_advanced_whatever_the_unranked() -> None:
    sheet = compute(department(), facts(ranked_departments(16, unassessed=3), "2019-department"))
    awards = [u.award for u in sheet.units]
    assert awards == ["advanced"] * 5 + [None] * 14
    assert [u.assessed for u in sheet.units] == [True] * 16 + [False] * 3


# --- A18: ahead of the time-schedule ------------------------------------------------------------------------


def test_exactly_on_the_time_schedule_is_not_ahead() -> None:
    # benchmark at June: 6/12 of 1200 = 600
    assert not ahead_of_schedule(Decimal(1200), Decimal(600), 6)


def test_just_above_the_time_schedule_is_ahead() -> None:
    assert ahead_of_schedule(Decimal(1200), Decimal("600.01"), 6)
    assert not ahead_of_schedule(Decimal(1200), Decimal("599.99"), 6)


def test_no_report_or_no_plan_is_not_ahead() -> None:
    assert not ahead_of_schedule(Decimal(1200), None, 6)
    assert not ahead_of_schedule(Decimal(1200), Decimal(600), None)
    assert not ahead_of_schedule(Decimal(0), Decimal(600), 6)


def test_c41_counts_only_provincial_key_projects_flagged_ahead() -> None:
    projects = neutral_key_projects()
    projects[1].update(provincial_key=True, ahead_of_schedule=True)
    projects[2].update(provincial_key=True, ahead_of_schedule=False)  # on the benchmark, A18
    result = score(county_unit(key_projects=projects))
    assert points(result, "C4.1") == Decimal("1.5")
