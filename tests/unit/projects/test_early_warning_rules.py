"""The colour of a key project against the time-schedule benchmark (序时进度)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gongjian_projects.early_warning.rules import benchmark_percent, judge


def colour(
    month: int, done: str, *, started: bool = True, planned_start: date | None = None, **points: Decimal
) -> str:
    verdict = judge(
        month=month,
        planned_10k=Decimal(1200),
        year_to_date_10k=Decimal(done),
        started=started,
        planned_start=planned_start,
        as_of=date(2019, month + 1, 1),
        **points,
    )
    return verdict.colour


def test_the_benchmark_is_the_share_of_the_year_elapsed() -> None:
    assert benchmark_percent(6) == Decimal("50.00")
    assert benchmark_percent(1) == Decimal("8.33")
    assert benchmark_percent(12) == Decimal("100.00")


@pytest.mark.parametrize(
    ("done", "expected"),
    [
        ("600", "green"),  # on the benchmark
        ("480", "green"),  # exactly 10 points behind is not "more than 10"
        ("479", "yellow"),
        ("360", "yellow"),  # exactly 20 points behind
        ("359", "red"),
        ("1500", "green"),  # ahead
    ],
)
def test_points_behind_the_benchmark_set_the_colour(done: str, expected: str) -> None:
    assert colour(6, done) == expected


def test_thresholds_are_settable() -> None:
    assert colour(6, "540", yellow_points=Decimal(4), red_points=Decimal(8)) == "yellow"
    assert colour(6, "480", yellow_points=Decimal(4), red_points=Decimal(8)) == "red"


def test_not_started_after_the_planned_start_is_red_whatever_the_figures() -> None:
    assert colour(6, "600", started=False, planned_start=date(2019, 3, 1)) == "red"
    assert colour(6, "600", started=False, planned_start=date(2019, 7, 1)) == "green"


def test_a_project_with_nothing_planned_this_year_is_on_schedule() -> None:
    verdict = judge(
        month=6,
        planned_10k=Decimal(0),
        year_to_date_10k=Decimal(0),
        started=True,
        planned_start=None,
        as_of=date(2019, 7, 1),
    )
    assert (verdict.colour, verdict.completion_share_percent) == ("green", Decimal(100))


def judged(month: int, done: str, **extra: object) -> tuple[str, bool, str]:
    verdict = judge(
        month=month,
        planned_10k=Decimal(1200),
        year_to_date_10k=Decimal(done),
        started=bool(extra.pop("started", True)),
        planned_start=extra.pop("planned_start", None),  # type: ignore[arg-type]
        as_of=date(2019, month + 1, 1),
        **extra,  # type: ignore[arg-type]
    )
    return verdict.colour, verdict.ahead, verdict.reason


@pytest.mark.parametrize(
    ("done", "expected"),
    [
        ("480", "green"),  # exactly 10 points behind
        ("479.99", "yellow"),  # 10.0008 points behind: the rounded share (40.00 %) must not hide it
        ("360", "yellow"),  # exactly 20 points behind
        ("359.99", "red"),
    ],
)
def test_the_thresholds_compare_unrounded_figures(done: str, expected: str) -> None:
    assert judged(6, done)[0] == expected


def test_ahead_of_the_time_schedule_means_strictly_greater() -> None:
    assert judged(6, "600")[:2] == ("green", False)  # on the benchmark is not ahead (spec A18)
    assert judged(6, "600.01") == ("green", True, "ahead of the time-schedule benchmark")
    assert judged(1, "100")[1] is False and judged(1, "100.01")[1] is True  # 1200 x 1/12 = 100


@pytest.mark.parametrize("category", ["continuing", "completion"])
def test_a_continuing_or_completion_project_is_judged_on_investment_not_on_a_start(category: str) -> None:
    not_started_since_march = {"started": False, "planned_start": date(2019, 3, 1), "plan_category": category}
    assert judged(6, "600", **not_started_since_march)[0] == "green"
    assert judged(6, "479.99", **not_started_since_march)[0] == "yellow"
    assert judged(6, "359.99", **not_started_since_march)[0] == "red"
    assert (
        judged(6, "600", started=False, planned_start=date(2019, 3, 1), plan_category="new-start")[0] == "red"
    )
