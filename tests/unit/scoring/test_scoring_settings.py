"""Each ambiguity's reading is a setting: the defaults are tested with the items, the alternatives here."""

from __future__ import annotations

from decimal import Decimal

from unit.scoring.scoring_builders import (
    county,
    county_unit,
    explanation,
    key_project,
    neutral_key_projects,
    planned_project,
    points,
    score,
    with_settings,
)


def test_a1_publicity_cap_override() -> None:
    media = {"own_channels": 0, "city": 0, "provincial": 0, "central": 4}
    assert points(score(county_unit(media=media), with_settings(county(), a1_publicity_cap=10)), "C3") == 8


def test_a2_planning_base_and_item_cap() -> None:
    projects = [planned_project(i, total=1000000) for i in range(3)]
    assert points(score(county_unit(planned_projects=projects)), "C2.2") == 30
    rule_set = with_settings(county(), a2_planning_base=10, a2_planning_item_cap=20)
    result = score(county_unit(planned_projects=projects), rule_set)
    assert points(result, "C2.2") == 20
    assert "10 + 10 = 20" in explanation(result, "C2.2")
    capped = with_settings(county(), a2_planning_item_cap=20)
    assert points(score(county_unit(planned_projects=projects), capped), "C2.2") == 20


def test_a3_gap_relative_to_the_target() -> None:
    projects = [
        key_project(i, new_start=True, started_on="2019-03-01" if i <= 7 else None) for i in range(1, 11)
    ]
    projects[7].update(started_on="2019-08-01")
    projects[8].update(started_on="2019-08-01")
    projects[9].update(started_on="2019-08-01")
    # June 7/10: 10 points under 80%, which is 12.5% of the target: -1 instead of -0.5
    assert points(score(county_unit(key_projects=projects)), "C1.2") == Decimal("14.5")
    rule_set = with_settings(county(), a3_gap_measure="relative_to_target")
    assert points(score(county_unit(key_projects=projects), rule_set), "C1.2") == 14


def test_a4_checkpoint_override() -> None:
    projects = [
        key_project(i, new_start=True, started_on="2019-03-01" if i <= 5 else None) for i in range(1, 11)
    ]
    rule_set = with_settings(county(), a4_checkpoints=[{"on": "2019-03-31", "target_pct": 50}])
    result = score(county_unit(key_projects=projects), rule_set)
    assert points(result, "C1.2") == 15
    assert "3月31日" in explanation(result, "C1.2")


def test_a7_partial_units_prorated() -> None:
    rule_set = with_settings(county(), a7_partial_unit="prorate")
    assert points(score(county_unit(planning_funds_in_place_10k=99), rule_set), "C2.3") == Decimal("0.5")


def test_a8_keep_removed_projects() -> None:
    projects = neutral_key_projects(6)
    projects[5].update(completed_10k=0, removed_on="2019-08-01")
    rule_set = with_settings(county(), a8_removed_projects="keep")
    # 500/600 × 35 = 29.1667; one project below 80%: -3
    assert points(score(county_unit(key_projects=projects), rule_set), "C1.1") == Decimal("26.17")


def test_a10_sum_of_tiers() -> None:
    rule_set = with_settings(county(), a10_planning_tiers="sum")
    projects = [planned_project(total=1000000)]
    assert points(score(county_unit(planned_projects=projects), rule_set), "C2.2") == 27


def test_a11_recognised_starts_only() -> None:
    projects = neutral_key_projects(6)
    projects[5].update(provincial_key=True, ahead_of_schedule=True)  # continuing, no recognised start
    assert points(score(county_unit(key_projects=projects)), "C4.1") == Decimal("1.5")
    rule_set = with_settings(county(), a11_started="recognised_only")
    assert points(score(county_unit(key_projects=projects), rule_set), "C4.1") == 0


def test_a12_bonuses_void_without_the_base() -> None:
    rule_set = with_settings(county(), a12_bonuses_without_base="void")
    unit = county_unit(planning_task_done=False, planned_projects=[planned_project(total=250000)])
    assert points(score(unit, rule_set), "C2.2") == 0


def test_a13_checkpoint_day_exclusive() -> None:
    projects = [key_project(i, new_start=True, started_on="2019-03-01") for i in range(1, 11)]
    for project in projects[7:]:
        project.update(started_on="2019-06-30")
    rule_set = with_settings(county(), a13_checkpoint_day="exclusive")
    # 30 June no longer counts for June: 7/10, gap 10: -0.5
    assert points(score(county_unit(key_projects=projects)), "C1.2") == 15
    assert points(score(county_unit(key_projects=projects), rule_set), "C1.2") == Decimal("14.5")
