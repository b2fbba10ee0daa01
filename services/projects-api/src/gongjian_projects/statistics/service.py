"""Statistics (统计): per unit, per leader and for the city, up to a month; the monthly table.

Only accepted figures count, corrections where they landed. A project taken off the plan counts until its
removal date (spec A8, A13), so a removal never changes the months before it. A frozen month is read from
the snapshot its freeze took (`snapshots.take`): its figures never change afterwards, whatever happens to
the plan, the targets or the registry later."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from gongjian_projects.early_warning.rules import benchmark_percent
from gongjian_projects.models import AnnualTarget
from gongjian_projects.reporting.repository import ReportingRepository
from gongjian_projects.seed import annex_order
from gongjian_projects.statistics.repository import StatisticsRepository
from gongjian_projects.statistics.schemas import RedProject, StatisticsRow, StatisticsTable
from gongjian_shared.uow import UnitOfWork

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return ZERO if whole <= 0 else (part * 100 / whole).quantize(CENT, ROUND_HALF_UP)


def month_cut(year: int, month: int) -> date:
    """The day after the month's last day: what happened before it happened in or before the month."""
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
        cut = month_cut(year, month)
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


async def is_frozen(uow: UnitOfWork, year: int, month: int) -> bool:
    row = await ReportingRepository(uow.session).get(year, month)
    return row is not None and row.frozen_at is not None


async def live_unit_table(uow: UnitOfWork, year: int, month: int) -> StatisticsTable:
    """Every unit with a target or a project of the year, in the Annex 2 order, and the city; computed now,
    with the plan as it stood at the month's end (A8)."""
    stats = StatisticsRepository(uow.session)
    figures = await stats.project_figures(year, month, month_cut(year, month))
    targets = {t.unit_id: t for t in await stats.targets(year)}
    by_unit: defaultdict[uuid.UUID, list[Any]] = defaultdict(list)
    for row in figures:
        by_unit[row.unit_id].append(row)
    order = annex_order()
    units = sorted(
        (u for u in await stats.units() if u.id in by_unit or u.id in targets),
        key=lambda u: (order.get(u.name, len(order)), u.name),
    )
    rows = [_tally(by_unit[u.id], year, month).row(u.id, u.name, month, targets.get(u.id)) for u in units]
    city = _tally(figures, year, month).row(None, "全市", month, _city_target(targets.values()))
    return StatisticsTable(
        year=year, month=month, frozen=await is_frozen(uow, year, month), rows=rows, city=city
    )


async def full_unit_table(uow: UnitOfWork, year: int, month: int) -> StatisticsTable:
    """The month's table as published when it is frozen, else as computed now."""
    snapshot = await StatisticsRepository(uow.session).snapshot(year, month)
    if snapshot is not None:
        return StatisticsTable.model_validate(snapshot.units)
    return await live_unit_table(uow, year, month)


async def unit_table(
    uow: UnitOfWork, year: int, month: int, visible_unit_ids: frozenset[uuid.UUID] | None
) -> StatisticsTable:
    """The units the caller may read (None: all, with the city)."""
    table = await full_unit_table(uow, year, month)
    if visible_unit_ids is None:
        return table
    rows = [row for row in table.rows if row.id in visible_unit_ids]
    return table.model_copy(update={"rows": rows, "city": None})


def _city_target(targets: Iterable[AnnualTarget]) -> AnnualTarget | None:
    listed = list(targets)
    if not listed:
        return None
    return AnnualTarget(
        key_projects=sum(t.key_projects for t in listed),
        key_projects_new_start=sum(t.key_projects_new_start for t in listed),
        planned_investment_10k=sum((t.planned_investment_10k for t in listed), ZERO),
    )


async def live_leader_table(uow: UnitOfWork, year: int, month: int) -> StatisticsTable:
    stats = StatisticsRepository(uow.session)
    cut = month_cut(year, month)
    figures = {row.id: row for row in await stats.project_figures(year, month, cut)}
    names: dict[uuid.UUID, str] = {}
    projects: defaultdict[uuid.UUID, list[Any]] = defaultdict(list)
    for leader_id, name, project_id in await stats.leader_links(year):
        names[leader_id] = name
        if project_id in figures:
            projects[leader_id].append(figures[project_id])
    rows = [
        _tally(projects[leader_id], year, month).row(leader_id, name, month, None)
        for leader_id, name in names.items()
    ]
    return StatisticsTable(
        year=year, month=month, frozen=await is_frozen(uow, year, month), rows=rows, city=None
    )


async def leader_table(
    uow: UnitOfWork, year: int, month: int, visible_leader_ids: frozenset[uuid.UUID] | None
) -> StatisticsTable:
    """Per leader, of the leaders the caller may read (None: all)."""
    snapshot = await StatisticsRepository(uow.session).snapshot(year, month)
    if snapshot is not None:
        table = StatisticsTable.model_validate(snapshot.leaders)
    else:
        table = await live_leader_table(uow, year, month)
    if visible_leader_ids is None:
        return table
    return table.model_copy(update={"rows": [r for r in table.rows if r.id in visible_leader_ids]})


async def live_red_projects(uow: UnitOfWork, year: int, month: int) -> list[RedProject]:
    rows = await StatisticsRepository(uow.session).red_projects(year, month, month_cut(year, month))
    return [
        RedProject(
            project_id=project_id,
            name=name,
            unit_name=unit_name,
            completion_share_percent=share,
            reason=reason,
        )
        for project_id, name, unit_name, share, reason in rows
    ]
