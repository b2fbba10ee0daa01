"""The deadline scheduler's jobs, on the shared `PeriodicJob`: fire the due deadlines, and keep every active
series generated ahead.

Firing claims due rows with FOR UPDATE SKIP LOCKED, writes each row's event to the outbox and stamps the row
in the same transaction, so every deadline fires exactly once, across restarts and with any number of
replicas. Time comes from the injected Clock only. What a firing does is in each domain's `scheduled.py`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gongjian_meetings.bodies.repository import BodyRepository
from gongjian_meetings.deadlines.context import Defer, FireContext, Firer
from gongjian_meetings.deadlines.metrics import DEADLINES_FIRED
from gongjian_meetings.deadlines.repository import DeadlineRepository, DueDeadline
from gongjian_meetings.meetings.scheduled import FIRERS as MEETING_FIRERS
from gongjian_meetings.meetings.service import generate_series
from gongjian_meetings.models import BUS
from gongjian_meetings.resolutions.scheduled import FIRERS as RESOLUTION_FIRERS
from gongjian_meetings.resolutions.scheduled import RESOLUTION_KINDS
from gongjian_meetings.settings import SchedulerSettings
from gongjian_shared.bus.consumer import describe_error
from gongjian_shared.clock import Clock
from gongjian_shared.db import unit_of_work
from gongjian_shared.jobs import PeriodicJob
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


async def _fire_each(context: FireContext, rows: Sequence[DueDeadline]) -> dict[int, str]:
    """Each row's outcome by id; a row whose subject another transaction holds is left for the next run."""
    outcomes: dict[int, str] = {}
    for row in rows:
        try:
            outcomes[row.id] = await FIRERS[row.kind](context, row)
        except Defer:
            continue
        except Exception as exc:
            logger.exception("deadline %s (%s) failed", row.id, row.kind)
            raise _Failed(row.id, row.attempts, describe_error(exc)) from exc
    return outcomes


async def _count_failure(
    session_maker: async_sessionmaker[AsyncSession], failed: _Failed, now: datetime, max_attempts: int
) -> datetime | None:
    """In a transaction of its own (the batch's rolled back); after `max_attempts` the row is stamped failed.
    Returns when the next pending row due after `now` falls due, read in the same transaction."""
    async with unit_of_work(session_maker) as session:
        give_up = now if failed.attempts + 1 >= max_attempts else None
        deadlines = DeadlineRepository(session)
        await deadlines.record_failure(failed.row_id, failed.error, give_up_at=give_up)
        return await deadlines.next_due_at(now)


async def run_due(
    session_maker: async_sessionmaker[AsyncSession], clock: Clock, limit: int = 200, *, max_attempts: int = 5
) -> int:
    """Fire the due deadlines once (at most `limit`); returns how many rows were stamped."""
    fired, _ = await fire_due_pass(session_maker, clock, limit, max_attempts=max_attempts)
    return fired


async def fire_due_pass(
    session_maker: async_sessionmaker[AsyncSession], clock: Clock, limit: int = 200, *, max_attempts: int = 5
) -> tuple[int, datetime | None]:
    """Fire the due deadlines once (at most `limit`); returns how many rows were stamped, and when the earliest
    pending row due after the pass's start falls due (None when there is none), read before the commit.

    One transaction: claim, fire (outbox rows, state changes), stamp, look ahead. A crash anywhere before the
    commit leaves no event and no stamp, so the row fires on the next run. A firing that raises rolls the batch
    back and is counted against its row; after `max_attempts` the row is stamped `failed`. The look-ahead rides
    in the pass's own transaction rather than a session of its own after it: one checkout and round trip less
    between a row falling due and its event committing.
    """
    now = clock.now()
    try:
        async with unit_of_work(session_maker) as session:
            deadlines = DeadlineRepository(session)
            rows = await deadlines.claim_due(now, limit)
            if not rows:
                return 0, await deadlines.next_due_at(now)
            outbox = BatchOutbox(BUS, PRODUCER, clock)
            context = FireContext(UnitOfWork(session, outbox, clock), now)
            await context.prefetch(rows, RESOLUTION_KINDS)
            outcomes = await _fire_each(context, rows)
            await outbox.flush(session)
            await deadlines.stamp(outcomes, now)
            next_due = await deadlines.next_due_at(now)
        kinds = {row.id: row.kind for row in rows}
        for row_id, outcome in outcomes.items():
            DEADLINES_FIRED.labels(PRODUCER, kinds[row_id], outcome).inc()
        return len(outcomes), next_due
    except _Failed as failed:
        return 0, await _count_failure(session_maker, failed, now, max_attempts)


async def extend_series(session_maker: async_sessionmaker[AsyncSession], clock: Clock) -> int:
    """Keep every active series generated ahead to its horizon."""
    created = 0
    async with unit_of_work(session_maker) as session:
        uow = UnitOfWork(session, Outbox(BUS, PRODUCER, clock), clock)
        bodies = BodyRepository(session)
        for body in await bodies.list():
            if body.series_active:
                locked = await bodies.get(body.id, for_update=True)
                assert locked is not None
                created += len(await generate_series(uow, None, locked))
    return created


def seconds_to_next_due(due_at: datetime | None, clock: Clock) -> float | None:
    """How long until the earliest pending deadline due after the pass's start (`fire_due_pass` reads it)
    falls due: 0 when it already has (it came due during the pass), None when there is none. A row due before
    the pass and still pending (held by another replica, or deferred) is looked at again after the poll
    interval, not in a busy loop."""
    if due_at is None:
        return None
    return max((due_at - clock.now()).total_seconds(), 0.0)


def due_deadlines_job(
    session_maker: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: SchedulerSettings,
    *,
    after_pass: Callable[[int], None] | None = None,
) -> PeriodicJob:
    """Fire due deadlines; at once again after a full batch (more may be waiting), otherwise at the next pending
    deadline's due time, and at the latest after the poll interval (a row planned meanwhile, possibly by another
    replica, is found then). `after_pass` sees how many rows each pass stamped (the benchmark's lateness)."""

    async def fire_a_batch() -> bool | float | None:
        fired, next_due = await fire_due_pass(
            session_maker, clock, settings.batch_size, max_attempts=settings.max_attempts
        )
        if after_pass is not None:
            after_pass(fired)
        if fired >= settings.batch_size:
            return True
        return seconds_to_next_due(next_due, clock)

    return PeriodicJob(
        name="meetings: due deadlines",
        step=fire_a_batch,
        interval_seconds=settings.poll_interval_seconds,
        backoff_seconds=settings.poll_interval_seconds,
    )


def series_job(
    session_maker: async_sessionmaker[AsyncSession], clock: Clock, settings: SchedulerSettings
) -> PeriodicJob:
    """Extend the active series at start and then every `series_every_seconds`."""

    async def extend() -> None:
        await extend_series(session_maker, clock)

    return PeriodicJob(
        name="meetings: series ahead",
        step=extend,
        interval_seconds=settings.series_every_seconds,
        backoff_seconds=settings.poll_interval_seconds,
    )


def scheduler_jobs(settings: SchedulerSettings) -> Callable[[ServiceContext], Sequence[PeriodicJob]]:
    """The service's background work (`ServiceSpec.background`): none when the scheduler is disabled."""

    def jobs(context: ServiceContext) -> Sequence[PeriodicJob]:
        if not settings.enabled:
            return ()
        return (
            due_deadlines_job(context.sessionmaker, context.clock, settings),
            series_job(context.sessionmaker, context.clock, settings),
        )

    return jobs
