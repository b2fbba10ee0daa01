"""The leaders' periodic work: the monthly digests, one transaction per leader."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gongjian_projects.leaders import digest
from gongjian_projects.leaders.repository import LeaderRepository
from gongjian_projects.settings import DEFAULT_LEADER_DIGEST_DAY, projects_settings
from gongjian_shared.clock import Clock
from gongjian_shared.db import unit_of_work
from gongjian_shared.jobs import PeriodicJob
from gongjian_shared.outbox import Outbox
from gongjian_shared.service import ServiceContext
from gongjian_shared.uow import UnitOfWork

DIGESTS_PER_RUN = 50
INTERVAL_SECONDS = 3600.0


async def send_due_digests(
    sessionmaker: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    clock: Clock,
    *,
    digest_day: int = DEFAULT_LEADER_DIGEST_DAY,
    limit: int = DIGESTS_PER_RUN,
) -> int:
    """Send the digests due today (from `digest_day` of the month on), each leader in its own transaction;
    returns how many went out."""
    async with unit_of_work(sessionmaker) as session:
        month, leaders = await digest.due_leaders(UnitOfWork(session, outbox, clock), digest_day)
        leader_ids = [leader.id for leader in leaders[:limit]]
    if month is None:
        return 0
    sent = 0
    for leader_id in leader_ids:
        async with unit_of_work(sessionmaker) as session:
            uow = UnitOfWork(session, outbox, clock)
            leader = await LeaderRepository(session).get(leader_id)
            if leader is not None and await digest.send_digest(uow, leader, *month):
                sent += 1
    return sent


def jobs(context: ServiceContext) -> tuple[PeriodicJob, ...]:
    settings = projects_settings(context.settings)
    if not settings.scheduler_enabled:
        return ()

    async def step() -> bool:
        sent = await send_due_digests(
            context.sessionmaker, context.outbox, context.clock, digest_day=settings.leader_digest_day
        )
        return sent == DIGESTS_PER_RUN  # a full batch: more leaders may be waiting

    return (
        PeriodicJob(
            name="leader digests",
            step=step,
            interval_seconds=min(INTERVAL_SECONDS, settings.scheduler_interval_seconds * 10),
            backoff_seconds=settings.scheduler_interval_seconds,
        ),
    )
