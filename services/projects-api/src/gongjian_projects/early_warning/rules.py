"""The colour of a key project against the time-schedule benchmark (序时进度), as a pure function.

The benchmark of a month is the year's planned investment times the share of the year elapsed
(planned x month / 12, in 万元). The comparisons are exact: the percentages shown are rounded for display
only. A new-start project (新开工) is also judged on its start: not started after its planned start is red.
A continuing or completion project (续建/竣工) is under construction from the year's start and is judged on
its investment alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Colour = Literal["green", "yellow", "red"]
DEFAULT_YELLOW_POINTS = Decimal(10)
DEFAULT_RED_POINTS = Decimal(20)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
JUDGED_ON_INVESTMENT_ONLY = ("continuing", "completion")


@dataclass(frozen=True)
class Verdict:
    colour: Colour
    completion_share_percent: Decimal
    benchmark_percent: Decimal
    reason: str
    # 超过序时进度: strictly above the benchmark; equal is not ahead (spec A18)
    ahead: bool = False


def benchmark_percent(month: int) -> Decimal:
    """The share of the year elapsed after `month` (month / 12), rounded for display."""
    return (Decimal(month) * HUNDRED / 12).quantize(CENT, ROUND_HALF_UP)


def points_behind(planned_10k: Decimal, year_to_date_10k: Decimal, month: int) -> Decimal:
    """Percentage points the completed share lies below the benchmark share (negative when ahead)."""
    if planned_10k <= 0:
        return Decimal(0) - HUNDRED
    return (Decimal(month) * planned_10k - 12 * year_to_date_10k) * HUNDRED / (12 * planned_10k)


def _behind_by_more_than(
    points: Decimal, planned_10k: Decimal, year_to_date_10k: Decimal, month: int
) -> bool:
    """Exactly: (month/12 - done/planned) x 100 > points, multiplied out so nothing is rounded."""
    return (Decimal(month) * planned_10k - 12 * year_to_date_10k) * HUNDRED > points * 12 * planned_10k


def judge(
    *,
    month: int,
    planned_10k: Decimal,
    year_to_date_10k: Decimal,
    started: bool,
    planned_start: date | None,
    as_of: date,
    plan_category: str | None = None,
    yellow_points: Decimal = DEFAULT_YELLOW_POINTS,
    red_points: Decimal = DEFAULT_RED_POINTS,
) -> Verdict:
    """Green; yellow when behind the benchmark by more than `yellow_points`; red when behind by more than
    `red_points`, or, unless continuing or completion, when not started after its planned start."""
    benchmark = benchmark_percent(month)
    if planned_10k <= 0:
        return Verdict("green", HUNDRED, benchmark, "nothing planned this year", ahead=False)
    share = (year_to_date_10k * HUNDRED / planned_10k).quantize(CENT, ROUND_HALF_UP)
    on_start = plan_category not in JUDGED_ON_INVESTMENT_ONLY
    if on_start and not started and planned_start is not None and planned_start < as_of:
        return Verdict(
            "red", share, benchmark, f"not started after the planned start {planned_start.isoformat()}"
        )
    ahead = 12 * year_to_date_10k > month * planned_10k  # done > planned x month / 12, unrounded
    behind = points_behind(planned_10k, year_to_date_10k, month).quantize(CENT, ROUND_HALF_UP)
    if _behind_by_more_than(red_points, planned_10k, year_to_date_10k, month):
        return Verdict("red", share, benchmark, f"{behind} points behind the time-schedule benchmark")
    if _behind_by_more_than(yellow_points, planned_10k, year_to_date_10k, month):
        return Verdict("yellow", share, benchmark, f"{behind} points behind the time-schedule benchmark")
    if ahead:
        return Verdict("green", share, benchmark, "ahead of the time-schedule benchmark", ahead=True)
    return Verdict("green", share, benchmark, "on schedule")
