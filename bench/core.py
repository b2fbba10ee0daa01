"""What a benchmark returns, and how the runner prints it: medians, p99, throughput, ratio, goals."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

Metric = Literal["throughput", "median", "p99"]


@dataclass(frozen=True)
class Stats:
    """Latency figures in milliseconds; p99 by the nearest-rank method (no interpolation)."""

    count: int
    median_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of(cls, samples_ms: Sequence[float]) -> Stats:
        if not samples_ms:
            return cls(0, math.nan, math.nan, math.nan)
        ordered = sorted(samples_ms)
        return cls(
            count=len(ordered),
            median_ms=statistics.median(ordered),
            p99_ms=percentile(ordered, 99.0),
            max_ms=ordered[-1],
        )


def percentile(ordered: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of already sorted samples."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(pct / 100.0 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Goal:
    text: str
    met: bool

    @classmethod
    def at_most(cls, label: str, value: float, limit: float, unit: str = "ms") -> Goal:
        return cls(f"{label} <= {limit:g} {unit} (got {value:.2f})", not math.isnan(value) and value <= limit)

    @classmethod
    def at_least(cls, label: str, value: float, limit: float, unit: str = "") -> Goal:
        return cls(
            f"{label} >= {limit:g}{unit} (got {value:.2f}{unit})", not math.isnan(value) and value >= limit
        )


@dataclass
class Result:
    """One measured figure set. `baseline` is another result of the same run; `ratio` compares `metric`."""

    name: str
    stats: Stats
    throughput_rps: float | None = None
    errors: int = 0
    baseline: Result | None = None
    metric: Metric = "median"
    goals: list[Goal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def figure(self, metric: Metric) -> float:
        if metric == "throughput":
            return self.throughput_rps if self.throughput_rps is not None else math.nan
        return self.stats.median_ms if metric == "median" else self.stats.p99_ms

    @property
    def ratio(self) -> float | None:
        if self.baseline is None:
            return None
        base = self.baseline.figure(self.metric)
        if base == 0 or math.isnan(base):
            return math.nan
        return self.figure(self.metric) / base


def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.2f} ms"


def _ratio_text(result: Result) -> str:
    ratio = result.ratio
    if result.baseline is None or ratio is None:
        return ""
    return f"{ratio:.2f}x {result.baseline.name} ({result.metric})"


def render(title: str, results: Iterable[Result], elapsed_s: float) -> str:
    """A fixed-width table, then the goals and notes of each result."""
    rows = list(results)
    header = ("result", "n", "median", "p99", "max", "throughput", "errors", "ratio to baseline")
    table = [header]
    for result in rows:
        stats = result.stats
        throughput = "-" if result.throughput_rps is None else f"{result.throughput_rps:,.0f} req/s"
        is_baseline = any(other.baseline is result for other in rows)
        ratio = "(baseline)" if is_baseline and result.baseline is None else _ratio_text(result)
        table.append(
            (
                result.name,
                str(stats.count),
                _ms(stats.median_ms),
                _ms(stats.p99_ms),
                _ms(stats.max_ms),
                throughput,
                str(result.errors),
                ratio,
            )
        )
    widths = [max(len(row[column]) for row in table) for column in range(len(header))]
    lines = [f"== {title} ({elapsed_s:.1f} s) =="]
    for row in table:
        lines.append("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    for result in rows:
        for goal in result.goals:
            lines.append(f"  goal  {result.name}: {goal.text}: {'MET' if goal.met else 'NOT MET'}")
    for result in rows:
        for note in result.notes:
            lines.append(f"  note  {result.name}: {note}")
    return "\n".join(lines)
