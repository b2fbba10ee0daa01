"""The deadline scheduler: claims due rows with FOR UPDATE SKIP LOCKED, writes each row's event to the
outbox and stamps the row in the same transaction, so every deadline fires exactly once, across restarts
and with any number of replicas. Time comes from the injected Clock only.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gongjian_meetings.bodies.repository import BodyRepository
from gongjian_meetings.deadlines.context import Defer, FireContext, Firer
from gongjian_meetings.deadlines.repository import DeadlineRepository
from gongjian_meetings.meetings.scheduled import FIRERS as MEETING_FIRERS
from gongjian_meetings.meetings.service import generate_series
from gongjian_meetings.models import BUS
from gongjian_meetings.resolutions.scheduled import FIRERS as RESOLUTION_FIRERS
from gongjian_meetings.resolutions.scheduled import RESOLUTION_KINDS
from gongjian_meetings.settings import MeetingsSettings, SchedulerSettings
from gongjian_shared.bus.consumer import describe_error
from gongjian_shared.clock import Clock
from gongjian_shared.db import unit_of_work
from gongjian_shared.outbox import BatchOutbox, Outbox
from gongjian_shared.service import ServiceContext
from gongjian_shared.uow import UnitOfWork

logger = logging.getLogger("gongjian.meetings.scheduler")

PRODUCER = "meetings-api"
FIRERS: dict[str, Firer] = {**MEETING_FIRERS, **RESOLUTION_FIRERS}


class _Failed(Exception):
    def __init__(self, row_id: int, attempts: int, error: str) -> None:
        super().__init__(error)
        self.row_id, self.attempts, self.error = row_id, attempts, error


async def run_due(
    session_maker: async_sessionmaker[AsyncSession], clock: Clock, limit: int = 200, *, max_attempts: int = 5
) -> int:
    """Fire the due deadlines once (at most `limit`); returns how many rows were stamped.

    One transaction: claim, fire (outbox rows, state changes), stamp. A crash anywhere before the commit
    leaves no event and no stamp, so the row fires on the next run. A firing that raises rolls the batch
    back and is counted against its row; after `max_attempts` the row is stamped `failed`.
    """
    now = clock.now()
    try:
        async with unit_of_work(session_maker) as session:
            deadlines = DeadlineRepository(session)
            rows = await deadlines.claim_due(now, limit)
            if not rows:
                return 0
            outbox = BatchOutbox(BUS, PRODUCER, clock)
            context = FireContext(session, outbox, clock, now)
            await context.prefetch(rows, RESOLUTION_KINDS)
            outcomes: dict[int, str] = {}
            for row in rows:
                try:
                    outcomes[row.id] = await FIRERS[row.kind](context, row)
                except Defer:
                    continue
                except Exception as exc:
                    logger.exception("deadline %s (%s) failed", row.id, row.kind)
                    raise _Failed(row.id, row.attempts, describe_error(exc)) from exc
            await outbox.flush(session)
            await deadlines.stamp(outcomes, now)
            return len(outcomes)
    except _Failed as failed:
        async with unit_of_work(session_maker) as session:
            give_up = now if failed.attempts + 1 >= max_attempts else None
            await DeadlineRepository(session).record_failure(failed.row_id, failed.error, give_up_at=give_up)
        return 0


async def extend_series(session_maker: async_sessionmaker[AsyncSession], clock: Clock) -> int:
    """Keep every active series generated ahead to its horizon."""
    created = 0
    async with unit_of_work(session_maker) as session:
        outbox = Outbox(BUS, PRODUCER, clock)
        for body in await BodyRepository(session).list():
            if body.series_active:
                locked = await BodyRepository(session).get(body.id, for_update=True)
                assert locked is not None
                created += len(await generate_series(UnitOfWork(session, outbox, clock), None, locked))
    return created


async def scheduler_loop(
    session_maker: async_sessionmaker[AsyncSession], clock: Clock, settings: SchedulerSettings
) -> None:
    next_series = 0.0
    while True:
        fired = 0
        try:
            fired = await run_due(
                session_maker, clock, settings.batch_size, max_attempts=settings.max_attempts
            )
            if time.monotonic() >= next_series:
                await extend_series(session_maker, clock)
                next_series = time.monotonic() + settings.series_every_seconds
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("deadline scheduler pass failed; retrying after the poll interval")
        if fired < settings.batch_size:
            await asyncio.sleep(settings.poll_interval_seconds)


def background(context: ServiceContext) -> Sequence[Callable[[], Coroutine[Any, Any, None]]]:
    settings = context.settings
    scheduler = settings.scheduler if isinstance(settings, MeetingsSettings) else SchedulerSettings()
    if not scheduler.enabled:
        return ()
    return (lambda: scheduler_loop(context.sessionmaker, context.clock, scheduler),)
