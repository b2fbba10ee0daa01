"""Annex 2 targets compared with actuals (目标任务完成情况): every column of the task breakdown, per unit
and for the city, up to a month's end; a frozen month is read from its snapshot."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from gongjian_projects.models import AnnualTarget
from gongjian_projects.seed import annex_order
from gongjian_projects.statistics.repository import StatisticsRepository
from gongjian_projects.statistics.schemas import (
    AmountVsTarget,
    CountVsTarget,
    TargetsVsActuals,
    TargetsVsActualsRow,
)
from gongjian_projects.statistics.service import is_frozen, month_cut
from gongjian_shared.uow import UnitOfWork

CENT = Decimal("0.01")
TWO_BN_10K = Decimal(200_000)  # 20 亿元 in 万元
TEN_BN_10K = Decimal(1_000_000)  # 100 亿元 in 万元
TEN_K_PER_100M = Decimal(10_000)  # 万元 per 亿元
COUNTS = (
    "key_projects",
    "key_projects_new_start",
    "prephase_projects",
    "planned_projects",
    "planned_projects_over_2bn",
    "planned_projects_over_10bn",
)


@dataclass
class _Actuals:
    counts: defaultdict[str, int]
    completed_10k: Decimal = Decimal(0)
    domestic_10k: Decimal = Decimal(0)

    def add(self, row: Any, cut: Any) -> None:
        kind = row.kind
        if kind == "key":
            self.counts["key_projects"] += 1
            self.completed_10k += Decimal(row.completed_ytd)
            started = row.started_on is not None and row.started_on < cut
            if row.plan_category == "new-start" and started:
                self.counts["key_projects_new_start"] += 1
        elif kind == "prephase":
            self.counts["prephase_projects"] += 1
        elif kind == "planned":
            self.counts["planned_projects"] += 1
            if row.total_investment_10k >= TWO_BN_10K:
                self.counts["planned_projects_over_2bn"] += 1
            if row.total_investment_10k >= TEN_BN_10K:
                self.counts["planned_projects_over_10bn"] += 1
        elif kind == "attraction" and row.capital_origin != "foreign":
            self.domestic_10k += row.funds_in_place_10k or Decimal(0)


def _actuals(rows: Iterable[Any], cut: Any) -> _Actuals:
    actuals = _Actuals(defaultdict(int))
    for row in rows:
        actuals.add(row, cut)
    return actuals


def _count(target: int | None, actual: int) -> CountVsTarget:
    if target is None:
        return CountVsTarget(target=None, actual=actual, gap=None, done=None)
    return CountVsTarget(target=target, actual=actual, gap=actual - target, done=actual >= target)


def _amount(target: Decimal | None, actual: Decimal) -> AmountVsTarget:
    actual = actual.quantize(CENT, ROUND_HALF_UP)
    if target is None:
        return AmountVsTarget(target=None, actual=actual, gap=None, percent=None)
    percent = (actual * 100 / target).quantize(CENT, ROUND_HALF_UP) if target > 0 else None
    return AmountVsTarget(target=target, actual=actual, gap=actual - target, percent=percent)


def _row(
    unit_id: uuid.UUID | None, name: str, targets: Sequence[AnnualTarget] | None, actuals: _Actuals
) -> TargetsVsActualsRow:
    """`targets`: the unit's target row (or every unit's, for the city); None when there is none."""

    def total(attribute: str) -> Any:
        if targets is None:
            return None
        values = [getattr(t, attribute) for t in targets if getattr(t, attribute) is not None]
        return sum(values) if values else (None if attribute.startswith("attraction") else 0)

    counts = {name_: _count(total(name_), actuals.counts[name_]) for name_ in COUNTS}
    return TargetsVsActualsRow(
        unit_id=unit_id,
        unit_name=name,
        planned_investment_10k=_amount(total("planned_investment_10k"), actuals.completed_10k),
        attraction_domestic_capital_100m=_amount(
            total("attraction_domestic_capital_100m"), actuals.domestic_10k / TEN_K_PER_100M
        ),
        attraction_other_target=total("attraction_other_target"),
        **counts,
    )


async def live(uow: UnitOfWork, year: int, month: int) -> TargetsVsActuals:
    """Computed now, with the plan and the registry as they stood at the month's end (A8)."""
    stats = StatisticsRepository(uow.session)
    cut = month_cut(year, month)
    figures = await stats.project_figures(year, month, cut)
    targets = {t.unit_id: t for t in await stats.targets(year)}
    by_unit: defaultdict[uuid.UUID, list[Any]] = defaultdict(list)
    for figure in figures:
        by_unit[figure.unit_id].append(figure)
    order = annex_order()
    units = sorted(
        (u for u in await stats.units() if u.id in by_unit or u.id in targets),
        key=lambda u: (order.get(u.name, len(order)), u.name),
    )
    rows = [
        _row(u.id, u.name, [targets[u.id]] if u.id in targets else None, _actuals(by_unit[u.id], cut))
        for u in units
    ]
    city = _row(None, "全市", list(targets.values()) or None, _actuals(figures, cut))
    frozen = await is_frozen(uow, year, month)
    return TargetsVsActuals(year=year, month=month, frozen=frozen, rows=rows, city=city)


async def targets_vs_actuals(
    uow: UnitOfWork, year: int, month: int, visible_unit_ids: frozenset[uuid.UUID] | None
) -> TargetsVsActuals:
    """Of the units the caller may read (None: all, with the city); a frozen month as it was published."""
    snapshot = await StatisticsRepository(uow.session).snapshot(year, month)
    table = (
        TargetsVsActuals.model_validate(snapshot.targets)
        if snapshot is not None
        else await live(uow, year, month)
    )
    if visible_unit_ids is None:
        return table
    rows = [row for row in table.rows if row.unit_id in visible_unit_ids]
    return table.model_copy(update={"rows": rows, "city": None})
