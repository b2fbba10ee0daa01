"""The colour of a key project against the time-schedule benchmark (序时进度), as a pure function."""

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


@dataclass(frozen=True)
class Verdict:
    colour: Colour
    completion_share_percent: Decimal
    benchmark_percent: Decimal
    reason: str


def benchmark_percent(month: int) -> Decimal:
    """The share of the year elapsed after `month` (month / 12)."""
    return (Decimal(month) * HUNDRED / 12).quantize(CENT, ROUND_HALF_UP)


def judge(
    *,
    month: int,
    planned_10k: Decimal,
    year_to_date_10k: Decimal,
    started: bool,
    planned_start: date | None,
    as_of: date,
    yellow_points: Decimal = DEFAULT_YELLOW_POINTS,
    red_points: Decimal = DEFAULT_RED_POINTS,
) -> Verdict:
    """Green; yellow when behind the benchmark by more than `yellow_points`; red when behind by more than
    `red_points`, or when not started after its planned start."""
    benchmark = benchmark_percent(month)
    share = (
        HUNDRED
        if planned_10k <= 0
        else (year_to_date_10k * HUNDRED / planned_10k).quantize(CENT, ROUND_HALF_UP)
    )
    behind = benchmark - share
    if not started and planned_start is not None and planned_start < as_of:
        return Verdict(
            "red", share, benchmark, f"not started after the planned start {planned_start.isoformat()}"
        )
    if behind > red_points:
        return Verdict("red", share, benchmark, f"{behind} points behind the time-schedule benchmark")
    if behind > yellow_points:
        return Verdict("yellow", share, benchmark, f"{behind} points behind the time-schedule benchmark")
    return Verdict("green", share, benchmark, "on schedule")
