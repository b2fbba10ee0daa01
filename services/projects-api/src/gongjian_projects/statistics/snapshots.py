"""The freeze's snapshot of a month's statistics (冻结月统计快照).

Why a stored snapshot rather than computing "as of the freeze": a frozen month's statistics depend on
much that is not dated: a project's category, planned investment and monthly plan, its leaders, the
unit's name and targets, registered pre-phase and planned projects, the warnings' colours (only the
latest is kept). Recomputing them later could only be right if every one of those were versioned, and
any one forgotten would silently rewrite the past. The snapshot, written in the freeze's own transaction,
cannot drift: it is exactly what the month published, and it is never updated."""

from __future__ import annotations

from gongjian_projects.models import StatisticsSnapshot
from gongjian_projects.statistics import annex2, service
from gongjian_projects.statistics.repository import StatisticsRepository
from gongjian_shared.uow import UnitOfWork


async def take(uow: UnitOfWork, year: int, month: int) -> StatisticsSnapshot:
    """Store the month's statistics as published; called by the freeze, after the month's warnings."""
    units = await service.live_unit_table(uow, year, month)
    leaders = await service.live_leader_table(uow, year, month)
    red = await service.live_red_projects(uow, year, month)
    targets = await annex2.live(uow, year, month)
    snapshot = StatisticsSnapshot(
        year=year,
        month=month,
        units=units.model_dump(mode="json"),
        leaders=leaders.model_dump(mode="json"),
        red_projects=[item.model_dump(mode="json") for item in red],
        targets=targets.model_dump(mode="json"),
        taken_at=uow.clock.now(),
    )
    stats = StatisticsRepository(uow.session)
    stats.add(snapshot)
    await stats.flush()
    return snapshot
