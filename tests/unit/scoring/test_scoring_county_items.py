"""Sheet C (县区), item by item, at the boundaries the spec names; every expected value computed by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from unit.scoring.scoring_builders import (
    applicable,
    county_unit,
    explanation,
    key_project,
    neutral_key_projects,
    planned_project,
    points,
    score,
)


def test_neutral_unit_scores_90() -> None:
    result = score(county_unit())
    assert result.total == Decimal("90")
    assert [points(result, i) for i in ("C1.1", "C1.2", "C2.1", "C2.2", "C2.3", "C3")] == [
        35,
        15,
        15,
        20,
        5,
        0,
    ]


# C1.1 investment completion --------------------------------------------------------------------------------


def five_projects_with(planned: int, completed: int) -> list[dict[str, Any]]:
    projects = neutral_key_projects()
    projects[4].update(planned_10k=planned, completed_10k=completed)
    return projects


def test_completion_ratio_matches_the_spec_example() -> None:
    # 4 × 1000/1000 + 7000/8000 = 11000/12000 = 91.67% × 35 = 32.0833; one project at 87.5%: -1.
    projects = [key_project(i, planned=1000, completed=1000) for i in range(1, 5)]
    projects.append(key_project(5, planned=8000, completed=7000, new_start=True, started_on="2019-04-01"))
    result = score(county_unit(key_projects=projects))
    assert points(result, "C1.1") == Decimal("31.08")
    assert explanation(result, "C1.1").startswith("完成投资 completed 11000/12000 万元 = 91.67% × 35 = 32.08")
    assert "1 project in [80%,100%) -1 → 31.08" in explanation(result, "C1.1")


def test_completion_of_exactly_80_percent_costs_1_not_3() -> None:
    # 480/500 × 35 = 33.6, one project in [80%,100%): -1.
    assert points(score(county_unit(key_projects=five_projects_with(100, 80))), "C1.1") == Decimal("32.6")


def test_completion_just_under_80_percent_costs_3() -> None:
    # (400 + 7999) / 10400 × 35 = 28.2659; one project at 79.99%: -3 → 25.2659
    result = score(county_unit(key_projects=five_projects_with(10000, 7999)))
    assert points(result, "C1.1") == Decimal("25.27")
    assert "below 80% -3" in explanation(result, "C1.1")


def test_completion_just_under_100_percent_costs_1() -> None:
    # (400 + 9999) / 10400 × 35 = 34.9966...; -1 → 33.9966 → 34.00
    result = score(county_unit(key_projects=five_projects_with(10000, 9999)))
    assert points(result, "C1.1") == Decimal("34.00")
    assert "in [80%,100%) -1" in explanation(result, "C1.1")


def test_completion_of_exactly_100_percent_costs_nothing() -> None:
    assert points(score(county_unit(key_projects=five_projects_with(10000, 10000))), "C1.1") == 35


def test_unit_with_fewer_than_5_key_projects_pays_2_and_5_per_project() -> None:
    projects = neutral_key_projects(4)
    projects[2].update(completed_10k=90)
    projects[3].update(completed_10k=50)
    # (100 + 100 + 90 + 50) / 400 × 35 = 29.75; -2 -5 = -7, capped at -5 → 24.75
    result = score(county_unit(key_projects=projects))
    assert points(result, "C1.1") == Decimal("24.75")
    assert "fewer than 5 key projects" in explanation(result, "C1.1")


def test_fewer_than_5_half_up_rounding() -> None:
    projects = neutral_key_projects(4)
    projects[3].update(completed_10k=90)
    # 390/400 × 35 = 34.125; -2 → 32.125 → rounds half up to 32.13
    assert points(score(county_unit(key_projects=projects)), "C1.1") == Decimal("32.13")


def test_unit_with_exactly_5_key_projects_pays_the_ordinary_deduction() -> None:
    projects = neutral_key_projects(5)
    projects[4].update(completed_10k=90)
    # 490/500 × 35 = 34.3; -1 → 33.3
    assert points(score(county_unit(key_projects=projects)), "C1.1") == Decimal("33.3")


def test_completion_deductions_are_capped_at_5() -> None:
    projects = [key_project(i, completed=50) for i in range(1, 6)]
    projects[0].update(new_start=True, started_on="2019-03-01")
    # 50% × 35 = 17.5; 5 × -3 = -15, capped at -5 → 12.5
    result = score(county_unit(key_projects=projects))
    assert points(result, "C1.1") == Decimal("12.5")
    assert "= -15, 最多扣 capped at -5" in explanation(result, "C1.1")


def test_completion_item_has_floor_0() -> None:
    projects = [key_project(i, completed=5) for i in range(1, 6)]
    projects[0].update(new_start=True, started_on="2019-03-01")
    # 5% × 35 = 1.75; -5 → -3.25, floor 0
    assert points(score(county_unit(key_projects=projects)), "C1.1") == 0


def test_completion_ratio_is_capped_at_35() -> None:
    projects = [key_project(i, completed=150) for i in range(1, 6)]
    projects[0].update(new_start=True, started_on="2019-03-01")
    result = score(county_unit(key_projects=projects))
    assert points(result, "C1.1") == 35
    assert "52.5, 最高 capped at 35" in explanation(result, "C1.1")


def test_removed_project_leaves_completion_numerator_and_denominator() -> None:
    projects = neutral_key_projects(6)
    projects[5].update(completed_10k=0, removed_on="2019-08-01")
    result = score(county_unit(key_projects=projects))
    assert points(result, "C1.1") == 35
    assert "1 project removed from the plan left out, A8" in explanation(result, "C1.1")


# C1.2 starts and completions -------------------------------------------------------------------------------


def start_projects(june: int, september: int, total: int = 10) -> list[dict[str, object]]:
    """`total` new starts: `june` of them started by 30 June, `september` by 30 September."""
    projects = []
    for i in range(1, total + 1):
        started = "2019-03-01" if i <= june else ("2019-08-01" if i <= september else None)
        projects.append(key_project(i, new_start=True, started_on=started))
    return projects


@pytest.mark.parametrize(
    ("june", "september", "expected"),
    [
        (8, 10, "15"),  # on target at both checkpoints
        (7, 10, "14.5"),  # June gap exactly 10 points: -0.5
        (6, 10, "14"),  # June gap 20: -1
        (5, 10, "12"),  # June gap exactly 30: -3
        (8, 9, "14.5"),  # September gap exactly 10: -0.5
        (8, 8, "14"),  # September gap 20: -1
        (7, 7, "11.5"),  # June gap exactly 10, September gap exactly 30: -0.5 -3
        (2, 2, "9"),  # gaps 60 and 80: -3 -3
    ],
)
def test_start_rate_gap_bands(june: int, september: int, expected: str) -> None:
    result = score(county_unit(key_projects=start_projects(june, september)))
    assert points(result, "C1.2") == Decimal(expected)


def test_start_rate_explanation_gives_rate_and_gap() -> None:
    result = score(county_unit(key_projects=start_projects(7, 10)))
    assert (
        "6月30日 (2019-06-30, target 80%): 已开工 started 7/10 new-start projects = 70.00%, gap 10 points → -0.5"
        in (explanation(result, "C1.2"))
    )


def test_start_on_30_june_itself_counts_at_the_june_checkpoint() -> None:
    projects = start_projects(7, 10)
    projects[7].update(started_on="2019-06-30")
    assert points(score(county_unit(key_projects=projects)), "C1.2") == 15
    projects[7].update(started_on="2019-07-01")
    assert points(score(county_unit(key_projects=projects)), "C1.2") == Decimal("14.5")


def test_project_removed_between_the_checkpoints_counts_in_june_only() -> None:
    projects = start_projects(8, 9)
    projects[9].update(removed_on="2019-07-15")  # never started, removed in July
    # June: 8/10 = 80%, gap 0; September: 9/9 = 100%, gap 0 (without the removal 9/10: -0.5)
    result = score(county_unit(key_projects=projects))
    assert points(result, "C1.2") == 15
    assert "started 8/10" in explanation(result, "C1.2")
    assert "started 9/9" in explanation(result, "C1.2")


def test_project_removed_on_the_checkpoint_day_no_longer_counts_there() -> None:
    projects = start_projects(5, 10)
    projects[9].update(started_on=None, removed_on="2019-06-30")
    # June: 5/9 = 55.56%, gap 24.44: -1; September: 9/9: 0
    assert points(score(county_unit(key_projects=projects)), "C1.2") == 14
    projects[9].update(removed_on="2019-07-01")
    # June: 5/10 = 50%, gap exactly 30: -3
    assert points(score(county_unit(key_projects=projects)), "C1.2") == 12


@pytest.mark.parametrize(("not_completed", "expected"), [(0, "15"), (1, "14"), (2, "13"), (3, "13")])
def test_planned_completions_not_completed_cost_1_each_capped_at_2(not_completed: int, expected: str) -> None:
    projects = neutral_key_projects()
    for i in range(1, 4):
        projects[i].update(planned_completion=True, completed_on=None if i <= not_completed else "2019-11-30")
    assert points(score(county_unit(key_projects=projects)), "C1.2") == Decimal(expected)


def test_starts_item_not_applicable_without_new_starts_or_planned_completions() -> None:
    projects = [key_project(i) for i in range(1, 6)]
    result = score(county_unit(key_projects=projects))
    assert not applicable(result, "C1.2")
    # A5 prorate: (35 + 15 + 20 + 5 + 0) × 95/80 = 89.0625
    assert result.total == Decimal("89.06")


# C2.1 pre-phase work ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("done", "expected"),
    [
        ([False], "10"),  # exactly one pre-phase project, not done: -5
        ([True], "15"),
        ([True, False], "14.5"),
        ([False, False], "14"),
        ([False] * 10, "10"),
        ([False] * 40, "0"),  # floor 0
    ],
)
def test_prephase_work(done: list[bool], expected: str) -> None:
    projects = [{"code": f"Q{i}", "done": d} for i, d in enumerate(done)]
    assert points(score(county_unit(prephase_projects=projects)), "C2.1") == Decimal(expected)


def test_prephase_not_applicable_without_prephase_projects() -> None:
    assert not applicable(score(county_unit(prephase_projects=[])), "C2.1")


# C2.2 planning ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        ([199999], "20"),
        ([200000], "22"),  # exactly 2 bn CNY: +2
        ([1000000], "25"),  # >= 10 bn CNY: +5 only (A10)
        ([1000000, 1000000, 200000], "30"),  # 5 + 5 + 2 = 12, size bonuses capped at 10
        ([999999, 200000], "24"),
    ],
)
def test_planning_size_bonuses(totals: list[int], expected: str) -> None:
    projects = [planned_project(i, total=t) for i, t in enumerate(totals)]
    result = score(county_unit(planned_projects=projects))
    assert points(result, "C2.2") == Decimal(expected)


def test_ten_billion_project_explains_a10() -> None:
    result = score(county_unit(planned_projects=[planned_project(total=1000000)]))
    assert "highest tier only" in explanation(result, "C2.2")


def test_feasibility_and_filed_bonuses_are_uncapped_and_the_item_exceeds_its_standard() -> None:
    projects = [planned_project(i, depth="feasibility", in_prephase_plan_and_filed=True) for i in range(12)]
    # A2: 20 + 12 + 12 = 44, the item total not capped
    assert points(score(county_unit(planned_projects=projects)), "C2.2") == 44


def test_planning_bonuses_count_without_the_base() -> None:
    projects = [planned_project(total=250000, depth="feasibility")]
    # A12: base 0, +2 size, +1 feasibility
    result = score(county_unit(planning_task_done=False, planned_projects=projects))
    assert points(result, "C2.2") == 3


# C2.3 planning funds ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("funds", "expected"),
    [
        ("0", "0"),
        ("99", "0"),
        ("99.99", "0"),
        ("100", "0.5"),
        ("350", "1.5"),
        ("999", "4.5"),
        ("1000", "5"),
        ("5000", "5"),
    ],
)
def test_planning_funds_per_full_million_cny(funds: str, expected: str) -> None:
    result = score(county_unit(planning_funds_in_place_10k=Decimal(funds)))
    assert points(result, "C2.3") == Decimal(expected)


# C3 publicity ----------------------------------------------------------------------------------------------


def test_publicity_points_per_level() -> None:
    media = {"own_channels": 50, "city": 3, "provincial": 1, "central": 1}
    # own channels are not scored on sheet C: 0.9 + 0.5 + 2 = 3.4
    assert points(score(county_unit(media=media)), "C3") == Decimal("3.4")


def test_publicity_is_capped_at_the_items_own_5_not_the_section_10() -> None:
    media = {"own_channels": 0, "city": 0, "provincial": 0, "central": 4}
    result = score(county_unit(media=media))
    assert points(result, "C3") == 5
    assert "8, 最高 capped at 5" in explanation(result, "C3")


# C4 bonuses ------------------------------------------------------------------------------------------------


def test_provincial_bonus_counts_started_projects_ahead_of_schedule_capped_at_5() -> None:
    projects = neutral_key_projects(8)
    for i in range(1, 5):  # four continuing provincial projects ahead of schedule: 6, capped at 5
        projects[i].update(provincial_key=True, ahead_of_schedule=True)
    assert points(score(county_unit(key_projects=projects)), "C4.1") == 5


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"new_start": False}, "1.5"),  # continuing: under construction is started (A11)
        ({"new_start": True, "started_on": "2019-05-01"}, "1.5"),
        ({"new_start": True, "started_on": None}, "0"),
        ({"ahead_of_schedule": False}, "0"),
        ({"removed_on": "2019-10-01"}, "0"),
    ],
)
def test_provincial_bonus_conditions(fields: dict[str, object], expected: str) -> None:
    projects = neutral_key_projects(6)
    projects[5].update({"provincial_key": True, "ahead_of_schedule": True, **fields})
    assert points(score(county_unit(key_projects=projects)), "C4.1") == Decimal(expected)


@pytest.mark.parametrize(("proposed", "expected"), [(0, "0"), (3, "1.5"), (10, "5"), (11, "5")])
def test_promotion_bonus_capped_at_5(proposed: int, expected: str) -> None:
    projects = [planned_project(i, proposed_for_next_year=i < proposed) for i in range(12)]
    assert points(score(county_unit(planned_projects=projects)), "C4.2") == Decimal(expected)


def test_bonuses_add_to_the_total() -> None:
    projects = neutral_key_projects()
    projects[1].update(provincial_key=True, ahead_of_schedule=True)
    result = score(county_unit(key_projects=projects))
    assert result.total == Decimal("91.5")


# C5 deductions ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("findings", "expected"), [(0, "0"), (3, "-3"), (5, "-5"), (7, "-5")])
def test_reporting_findings_cost_1_each_capped_at_5(findings: int, expected: str) -> None:
    result = score(county_unit(reporting_findings=findings))
    assert points(result, "C5.1") == Decimal(expected)
    assert result.total == 90 + Decimal(expected)


@pytest.mark.parametrize(
    ("severe", "expected"),
    [([], "0"), ([False, False], "-2"), ([True], "-5"), ([True, False, False], "-5"), ([False] * 6, "-5")],
)
def test_support_failures(severe: list[bool], expected: str) -> None:
    failures = [{"severe": s} for s in severe]
    assert points(score(county_unit(support_failures=failures)), "C5.2") == Decimal(expected)
