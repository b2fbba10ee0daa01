"""The reporting months' periodic work: open this month and last, and run their deadlines when due.

Each deadline is a row claimed with FOR UPDATE SKIP LOCKED and stamped in the same transaction as its
effect (the `progress-report-due` outbox row, or the freeze), so two replicas never fire one twice and a
crash in between leaves it to be claimed again.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gongjian_projects.reporting import service as reporting
from gongjian_projects.reporting.repository import ReportingRepository
from gongjian_projects.settings import projects_settings
from gongjian_shared.clock import SHANGHAI, Clock
from gongjian_shared.db import unit_of_work
from gongjian_shared.jobs import PeriodicJob
from gongjian_shared.outbox import Outbox
from gongjian_shared.service import ServiceContext
from gongjian_shared.uow import UnitOfWork

DEADLINES_PER_RUN = 50
MAX_BACKOFF_SECONDS = 60.0


async def ensure_current_months(
    sessionmaker: async_sessionmaker[AsyncSession], outbox: Outbox, clock: Clock
) -> None:
    """Open this month and last month (last month's window closes in this one): their windows and deadlines
    exist from now on. A submission only reads its month; this job and the office open them."""
    today = clock.now().astimezone(SHANGHAI).date()
    async with unit_of_work(sessionmaker) as session:
        uow = UnitOfWork(session, outbox, clock)
        for year, month in ((today.year, today.month), reporting.previous_month(today.year, today.month)):
            await reporting.ensure_month(uow, year, month)


async def run_due_deadlines(
    sessionmaker: async_sessionmaker[AsyncSession],
    outbox: Outbox,
    clock: Clock,
    *,
    limit: int = DEADLINES_PER_RUN,
) -> int:
    """Run every deadline that is due, one transaction each; returns how many ran."""
    ran = 0
    for _ in range(limit):
        async with unit_of_work(sessionmaker) as session:
            if not await _run_one_deadline(UnitOfWork(session, outbox, clock)):
                return ran
            ran += 1
    return ran


async def _run_one_deadline(uow: UnitOfWork) -> bool:
    """Claim one due deadline and do what it says; False when none is due."""
    months = ReportingRepository(uow.session)
    now = uow.clock.now()
    claimed = await months.claim_due(now, 1)
    if not claimed:
        return False
    deadline = claimed[0]
    if deadline.kind == reporting.DUE:
        event = await reporting.due_reminder(uow, deadline.year, deadline.month)
        if event is not None:
            await uow.outbox.publish(uow.session, event, key=f"{deadline.year}-{deadline.month:02d}")
    elif not await reporting.is_frozen(uow, deadline.year, deadline.month):
        await reporting.freeze_month(uow, deadline.year, deadline.month, None)
    await months.mark_done(deadline, now)
    return True


def jobs(context: ServiceContext) -> tuple[PeriodicJob, ...]:
    settings = projects_settings(context.settings)
    if not settings.scheduler_enabled:
        return ()

    async def step() -> bool:
        await ensure_current_months(context.sessionmaker, context.outbox, context.clock)
        ran = await run_due_deadlines(context.sessionmaker, context.outbox, context.clock)
        return ran == DEADLINES_PER_RUN  # a full batch: more may be due

    return (
        PeriodicJob(
            name="reporting deadlines",
            step=step,
            interval_seconds=settings.scheduler_interval_seconds,
            backoff_seconds=settings.scheduler_interval_seconds,
            max_backoff_seconds=MAX_BACKOFF_SECONDS,
        ),
    )
