"""Statistics (统计): per unit, per leader and for the city, up to a month; the monthly table and the
quarterly bulletin. Only accepted figures count, corrections where they landed; a frozen month's figures
are therefore the ones it published (nothing of a frozen month changes afterwards)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from gongjian_projects.early_warning.rules import benchmark_percent
from gongjian_projects.models import AnnualTarget
from gongjian_projects.reporting import service as reporting
from gongjian_projects.seed import annex_order
from gongjian_projects.statistics.repository import StatisticsRepository
from gongjian_projects.statistics.schemas import (
    QuarterlyBulletin,
    RankedRow,
    RedProject,
    StatisticsRow,
    StatisticsTable,
)
from gongjian_shared.uow import UnitOfWork

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return ZERO if whole <= 0 else (part * 100 / whole).quantize(CENT, ROUND_HALF_UP)


def _month_end(year: int, month: int) -> date:
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


@dataclass
class _Tally:
    key_projects: int = 0
    categories: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    new_start_started: int = 0
    completed_projects: int = 0
    planned: Decimal = ZERO
    planned_ytd: Decimal = ZERO
    completed_ytd: Decimal = ZERO
    kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, row: Any, year: int, month: int) -> None:
        self.kinds[row.kind] += 1
        if row.kind != "key":
            return
        cut = _month_end(year, month)
        self.key_projects += 1
        self.categories[row.plan_category or "continuing"] += 1
        if row.plan_category == "new-start" and row.started_on is not None and row.started_on < cut:
            self.new_start_started += 1
        if row.completed_on is not None and row.completed_on < cut:
            self.completed_projects += 1
        self.planned += row.planned_investment_10k
        self.planned_ytd += (
            row.planned_ytd
            if row.planned_ytd is not None
            else (row.planned_investment_10k * month / 12).quantize(CENT, ROUND_HALF_UP)
        )
        self.completed_ytd += Decimal(row.completed_ytd)

    def row(
        self, row_id: uuid.UUID | None, name: str, month: int, target: AnnualTarget | None
    ) -> StatisticsRow:
        benchmark = benchmark_percent(month)
        share = _percent(self.completed_ytd, self.planned)
        return StatisticsRow(
            id=row_id,
            name=name,
            key_projects=self.key_projects,
            new_start=self.categories["new-start"],
            continuing=self.categories["continuing"],
            completion=self.categories["completion"],
            new_start_started=self.new_start_started,
            start_rate_percent=_percent(
                Decimal(self.new_start_started), Decimal(self.categories["new-start"])
            ),
            completed_projects=self.completed_projects,
            planned_investment_10k=self.planned,
            planned_year_to_date_10k=self.planned_ytd,
            completed_year_to_date_10k=self.completed_ytd,
            completion_share_percent=share,
            benchmark_percent=benchmark,
            behind_benchmark=self.planned > 0 and share < benchmark,
            prephase_projects=self.kinds["prephase"],
            planned_projects=self.kinds["planned"],
            attraction_projects=self.kinds["attraction"],
            target_key_projects=target.key_projects if target else None,
            target_new_start=target.key_projects_new_start if target else None,
            target_planned_investment_10k=target.planned_investment_10k if target else None,
        )


def _tally(rows: Iterable[Any], year: int, month: int) -> _Tally:
    tally = _Tally()
    for row in rows:
        tally.add(row, year, month)
    return tally


async def unit_table(
    uow: UnitOfWork, year: int, month: int, visible_unit_ids: frozenset[uuid.UUID] | None
) -> StatisticsTable:
    """One row per unit with a target or a project of the year, in the Annex 2 order; the city last."""
    stats = StatisticsRepository(uow.session)
    figures = await stats.project_figures(year, month)
    targets = {t.unit_id: t for t in await stats.targets(year)}
    by_unit: defaultdict[uuid.UUID, list[Any]] = defaultdict(list)
    for row in figures:
        by_unit[row.unit_id].append(row)
    order = annex_order()
    units = sorted(
        (u for u in await stats.units() if u.id in by_unit or u.id in targets),
        key=lambda u: (order.get(u.name, len(order)), u.name),
    )
    if visible_unit_ids is not None:
        units = [u for u in units if u.id in visible_unit_ids]
    rows = [_tally(by_unit[u.id], year, month).row(u.id, u.name, month, targets.get(u.id)) for u in units]
    city = None
    if visible_unit_ids is None:
        city = _tally(figures, year, month).row(None, "全市", month, _city_target(targets.values()))
    return StatisticsTable(
        year=year, month=month, frozen=await reporting.is_frozen(uow, year, month), rows=rows, city=city
    )


def _city_target(targets: Iterable[AnnualTarget]) -> AnnualTarget | None:
    listed = list(targets)
    if not listed:
        return None
    return AnnualTarget(
        key_projects=sum(t.key_projects for t in listed),
        key_projects_new_start=sum(t.key_projects_new_start for t in listed),
        planned_investment_10k=sum((t.planned_investment_10k for t in listed), ZERO),
    )


async def leader_table(
    uow: UnitOfWork, year: int, month: int, visible_leader_ids: frozenset[uuid.UUID] | None
) -> StatisticsTable:
    stats = StatisticsRepository(uow.session)
    figures = {row.id: row for row in await stats.project_figures(year, month)}
    names: dict[uuid.UUID, str] = {}
    projects: defaultdict[uuid.UUID, list[Any]] = defaultdict(list)
    for leader_id, name, project_id in await stats.leader_links(year):
        names[leader_id] = name
        if project_id in figures:
            projects[leader_id].append(figures[project_id])
    rows = [
        _tally(projects[leader_id], year, month).row(leader_id, name, month, None)
        for leader_id, name in names.items()
        if visible_leader_ids is None or leader_id in visible_leader_ids
    ]
    return StatisticsTable(
        year=year, month=month, frozen=await reporting.is_frozen(uow, year, month), rows=rows, city=None
    )


def _ranked(rows: Sequence[StatisticsRow]) -> list[RankedRow]:
    ordered = sorted(rows, key=lambda r: (-r.completion_share_percent, r.name))
    return [RankedRow(rank=index + 1, **row.model_dump()) for index, row in enumerate(ordered)]


async def quarterly_bulletin(uow: UnitOfWork, year: int, quarter: int) -> QuarterlyBulletin:
    month = quarter * 3
    stats = StatisticsRepository(uow.session)
    table = await unit_table(uow, year, month, None)
    local_units = {u.id for u in await stats.units() if u.kind in ("county", "zone")}
    local = [r for r in table.rows if r.id in local_units and r.key_projects]
    others = [r for r in table.rows if r.id not in local_units and r.key_projects]
    assert table.city is not None
    return QuarterlyBulletin(
        year=year,
        quarter=quarter,
        month=month,
        frozen=table.frozen,
        city=table.city,
        counties_and_zones=_ranked(local),
        departments_and_enterprises=_ranked(others),
        red_projects=[
            RedProject(
                project_id=project_id,
                name=name,
                unit_name=unit_name,
                completion_share_percent=share,
                reason=reason,
            )
            for project_id, name, unit_name, share, reason in await stats.red_projects(year)
        ],
    )
