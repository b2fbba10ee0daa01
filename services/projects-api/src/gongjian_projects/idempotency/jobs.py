"""Remembered responses expire: a retry comes within minutes, not days."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gongjian_projects.idempotency.repository import IdempotencyRepository
from gongjian_projects.settings import projects_settings
from gongjian_shared.clock import Clock
from gongjian_shared.db import unit_of_work
from gongjian_shared.jobs import PeriodicJob
from gongjian_shared.service import ServiceContext

KEEP_FOR = timedelta(hours=24)
EVERY_SECONDS = 3600.0
RETRY_SECONDS = 60.0


async def purge_expired(sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> int:
    async with unit_of_work(sessionmaker) as session:
        return await IdempotencyRepository(session).purge_before(clock.now() - KEEP_FOR)


def jobs(context: ServiceContext) -> tuple[PeriodicJob, ...]:
    if not projects_settings(context.settings).scheduler_enabled:
        return ()

    async def step() -> bool:
        await purge_expired(context.sessionmaker, context.clock)
        return False

    return (
        PeriodicJob(
            name="idempotency keys purge",
            step=step,
            interval_seconds=EVERY_SECONDS,
            backoff_seconds=RETRY_SECONDS,
            max_backoff_seconds=EVERY_SECONDS,
        ),
    )
