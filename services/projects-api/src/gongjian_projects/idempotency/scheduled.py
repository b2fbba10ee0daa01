"""Remembered responses expire: a retry comes within minutes, not days."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gongjian_projects.idempotency.repository import IdempotencyRepository
from gongjian_shared.clock import Clock
from gongjian_shared.db import unit_of_work
from gongjian_shared.service import ServiceContext

logger = logging.getLogger("gongjian.projects.scheduled")

KEEP_FOR = timedelta(hours=24)
EVERY_SECONDS = 3600.0


async def purge_expired(sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> int:
    async with unit_of_work(sessionmaker) as session:
        return await IdempotencyRepository(session).purge_before(clock.now() - KEEP_FOR)


def background(context: ServiceContext) -> Sequence[Callable[[], Coroutine[Any, Any, None]]]:
    if not getattr(context.settings, "scheduler_enabled", True):
        return ()

    async def loop() -> None:
        while True:
            try:
                await purge_expired(context.sessionmaker, context.clock)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("purging idempotency keys failed; trying again later")
            await asyncio.sleep(EVERY_SECONDS)

    return (loop,)
