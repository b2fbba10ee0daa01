"""The quarterly bulletin (季度通报): computed as of the quarter's end, published by the office, then
readable by every unit.

A draft is computed from the quarter's last month: from its snapshot once that month is frozen (figures,
statuses and colours as the month published them), live before (provisional). Publishing stores the
bulletin as it is then; the stored one is what everybody reads afterwards and it never changes.
Publishing needs the quarter's last month frozen (409 `quarter-not-frozen`); publishing again is 409
`bulletin-published` (a published bulletin is an official document: there is no second version)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from gongjian_projects.access import Scope
from gongjian_projects.models import PublishedBulletin
from gongjian_projects.reporting.repository import ReportingRepository
from gongjian_projects.statistics import service
from gongjian_projects.statistics.errors import BulletinPublished, QuarterNotFrozen
from gongjian_projects.statistics.repository import StatisticsRepository
from gongjian_projects.statistics.schemas import QuarterlyBulletin, RankedRow, RedProject, StatisticsRow
from gongjian_shared.errors import Forbidden
from gongjian_shared.uow import UnitOfWork


def _ranked(rows: Sequence[StatisticsRow]) -> list[RankedRow]:
    ordered = sorted(rows, key=lambda r: (-r.completion_share_percent, r.name))
    return [RankedRow(rank=index + 1, **row.model_dump()) for index, row in enumerate(ordered)]


def quarter_end(year: int, quarter: int) -> date:
    return date(year, quarter * 3, 31 if quarter in (1, 4) else 30)


async def draft(uow: UnitOfWork, year: int, quarter: int) -> QuarterlyBulletin:
    """The bulletin as of the quarter's end, computed from the quarter's last month."""
    month = quarter * 3
    stats = StatisticsRepository(uow.session)
    table = await service.full_unit_table(uow, year, month)
    snapshot = await stats.snapshot(year, month)
    if snapshot is not None:
        red = [RedProject.model_validate(item) for item in snapshot.red_projects]
    else:
        red = await service.live_red_projects(uow, year, month)
    local_units = {u.id for u in await stats.units() if u.kind in ("county", "zone")}
    local = [r for r in table.rows if r.id in local_units and r.key_projects]
    others = [r for r in table.rows if r.id not in local_units and r.key_projects]
    assert table.city is not None
    return QuarterlyBulletin(
        year=year,
        quarter=quarter,
        month=month,
        as_of=quarter_end(year, quarter),
        frozen=table.frozen,
        status="draft",
        city=table.city,
        counties_and_zones=_ranked(local),
        departments_and_enterprises=_ranked(others),
        red_projects=red,
    )


async def read(uow: UnitOfWork, scope: Scope, year: int, quarter: int) -> QuarterlyBulletin:
    """The published bulletin, for everybody; before publication the draft, for the office and conveners."""
    published = await StatisticsRepository(uow.session).bulletin(year, quarter)
    if published is not None:
        return QuarterlyBulletin.model_validate(published.body)
    if not scope.read_all:
        raise Forbidden(
            f"The {year} Q{quarter} bulletin is not published yet; drafts are for the office "
            "(季度通报尚未发布，草稿仅限市重点办查看)."
        )
    return await draft(uow, year, quarter)


async def publish(uow: UnitOfWork, year: int, quarter: int, by: uuid.UUID) -> QuarterlyBulletin:
    stats = StatisticsRepository(uow.session)
    # two publishers of one quarter queue on its last month's row: the second one sees the first's bulletin
    last_month = await ReportingRepository(uow.session).get(year, quarter * 3, for_update=True)
    existing = await stats.bulletin(year, quarter)
    if existing is not None:
        raise BulletinPublished(
            f"The {year} Q{quarter} bulletin was published at {existing.published_at.isoformat()}.",
            extra={"published_at": existing.published_at.isoformat()},
        )
    if last_month is None or last_month.frozen_at is None:
        raise QuarterNotFrozen(f"{year}-{quarter * 3:02d} is not frozen; the bulletin reports its figures.")
    now = uow.clock.now()
    bulletin = (await draft(uow, year, quarter)).model_copy(
        update={"status": "published", "published_at": now}
    )
    stats.add(
        PublishedBulletin(
            year=year,
            quarter=quarter,
            body=bulletin.model_dump(mode="json"),
            published_at=now,
            published_by=by,
        )
    )
    await stats.flush()
    return bulletin
