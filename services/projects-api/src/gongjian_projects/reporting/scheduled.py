"""Deadlines of the reporting months, run by whichever replica claims them first.

Each deadline is a row claimed with FOR UPDATE SKIP LOCKED and stamped in the same transaction as its
effect (the `progress-report-due` outbox row, or the freeze), so two replicas never fire one twice and a
crash in between leaves it to be claimed again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gongjian_projects.reporting import service
from gongjian_projects.reporting.repository import ReportingRepository
from gongjian_shared.clock import SHANGHAI, Clock
from gongjian_shared.db import unit_of_work
from gongjian_shared.outbox import Outbox
from gongjian_shared.service import ServiceContext
from gongjian_shared.uow import UnitOfWork

logger = logging.getLogger("gongjian.projects.scheduled")

MAX_BACKOFF_SECONDS = 60.0


async def ensure_current_months(sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> None:
    """This month's and last month's windows exist (last month's closes in this one)."""
    today = clock.now().astimezone(SHANGHAI).date()
    async with unit_of_work(sessionmaker) as session:
        for year, month in ((today.year, today.month), service.previous_month(today.year, today.month)):
            await service.ensure_month(session, year, month)


async def run_due_deadlines(
    sessionmaker: async_sessionmaker[AsyncSession], outbox: Outbox, clock: Clock, *, limit: int = 50
) -> int:
    """Run every deadline that is due, one transaction each; returns how many ran."""
    ran = 0
    for _ in range(limit):
        async with unit_of_work(sessionmaker) as session:
            months = ReportingRepository(session)
            now = clock.now()
            claimed = await months.claim_due(now, 1)
            if not claimed:
                return ran
            deadline = claimed[0]
            if deadline.kind == service.DUE:
                event = await service.due_reminder(session, deadline.year, deadline.month)
                if event is not None:
                    await outbox.publish(session, event, key=f"{deadline.year}-{deadline.month:02d}")
            elif not await service.is_frozen(session, deadline.year, deadline.month):
                await service.freeze_month(
                    UnitOfWork(session, outbox, clock), deadline.year, deadline.month, None
                )
            await months.mark_done(deadline, now)
            ran += 1
    return ran


def background(context: ServiceContext) -> Sequence[Callable[[], Coroutine[Any, Any, None]]]:
    if not getattr(context.settings, "scheduler_enabled", True):
        return ()
    interval = float(getattr(context.settings, "scheduler_interval_seconds", 30.0))

    async def loop() -> None:
        failures = 0
        while True:
            try:
                await ensure_current_months(context.sessionmaker, context.clock)
                await run_due_deadlines(context.sessionmaker, context.outbox, context.clock)
                failures = 0
                await asyncio.sleep(interval)
            except asyncio.CancelledError:
                raise
            except Exception:
                failures += 1
                logger.exception("reporting deadlines failed (attempt %d); retrying with backoff", failures)
                await asyncio.sleep(min(interval * 2**failures, MAX_BACKOFF_SECONDS))

    return (loop,)
