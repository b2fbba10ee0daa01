"""Identity's background work: the token check learns every account at start; stale sign-in counters and
expired refresh tokens are purged hourly."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from datetime import timedelta
from typing import Any

from gongjian_projects.identity.repository import RefreshTokenRepository, ThrottleRepository
from gongjian_projects.identity.states import load_account_states
from gongjian_shared.db import unit_of_work
from gongjian_shared.service import ServiceContext

logger = logging.getLogger("gongjian.projects.identity")

RETRY_SECONDS = 2.0
PURGE_EVERY_SECONDS = 3600.0
KEEP_FOR = timedelta(days=1)


async def purge(context: ServiceContext) -> tuple[int, int]:
    """(throttle rows, refresh tokens) removed."""
    now = context.clock.now()
    async with unit_of_work(context.sessionmaker) as session:
        counters = await ThrottleRepository(session).purge_before(now - KEEP_FOR, now)
        tokens = await RefreshTokenRepository(session).purge_expired(now - KEEP_FOR)
    return counters, tokens


def background(context: ServiceContext) -> Sequence[Callable[[], Coroutine[Any, Any, None]]]:
    async def load_once() -> None:
        # the account events replayed by the states subscription cover the same ground, later; the table is
        # read first so a revocation made before this process started holds from its first requests
        while True:
            try:
                known = await load_account_states(context)
                logger.info("token check knows %d accounts", known)
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("loading the account states failed; trying again")
                await asyncio.sleep(RETRY_SECONDS)

    async def purge_loop() -> None:
        while True:
            try:
                await purge(context)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("purging sign-in counters and refresh tokens failed; trying again later")
            await asyncio.sleep(PURGE_EVERY_SECONDS)

    if not getattr(context.settings, "scheduler_enabled", True):
        return (load_once,)
    return (load_once, purge_loop)
