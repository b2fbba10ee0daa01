"""Identity's background work: the token check learns every account at start; stale sign-in counters and
expired refresh tokens are purged hourly."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from gongjian_projects.identity.repository import RefreshTokenRepository, ThrottleRepository
from gongjian_projects.identity.states import load_account_states
from gongjian_projects.settings import projects_settings
from gongjian_shared.db import unit_of_work
from gongjian_shared.jobs import PeriodicJob
from gongjian_shared.service import ServiceContext

logger = logging.getLogger("gongjian.projects.identity")

RETRY_SECONDS = 2.0
PURGE_EVERY_SECONDS = 3600.0
PURGE_RETRY_SECONDS = 60.0
KEEP_FOR = timedelta(days=1)


async def purge(context: ServiceContext) -> tuple[int, int]:
    """(throttle rows, refresh tokens) removed."""
    now = context.clock.now()
    async with unit_of_work(context.sessionmaker) as session:
        counters = await ThrottleRepository(session).purge_before(now - KEEP_FOR, now)
        tokens = await RefreshTokenRepository(session).purge_expired(now - KEEP_FOR)
    return counters, tokens


async def _never_again(_: float) -> None:
    await asyncio.Future()  # until the service stops: the states are loaded once


def jobs(context: ServiceContext) -> tuple[PeriodicJob, ...]:
    async def load_states() -> bool:
        # the account events replayed by the states subscription cover the same ground, later; the table is
        # read first so a revocation made before this process started holds from its first requests
        known = await load_account_states(context)
        logger.info("token check knows %d accounts", known)
        return False

    async def purge_stale() -> bool:
        await purge(context)
        return False

    load = PeriodicJob(
        name="account states load",
        step=load_states,
        interval_seconds=RETRY_SECONDS,
        backoff_seconds=RETRY_SECONDS,
        max_backoff_seconds=RETRY_SECONDS,
        wait=_never_again,  # retried until it succeeds, then done
    )
    if not projects_settings(context.settings).scheduler_enabled:
        return (load,)
    purge_job = PeriodicJob(
        name="sign-in counters and refresh tokens purge",
        step=purge_stale,
        interval_seconds=PURGE_EVERY_SECONDS,
        backoff_seconds=PURGE_RETRY_SECONDS,
        max_backoff_seconds=PURGE_EVERY_SECONDS,
    )
    return (load, purge_job)
