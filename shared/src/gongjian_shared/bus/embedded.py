"""The embedded bus: consumers read the producers' outbox logs straight from PostgreSQL.

Each consumer group keeps a committed position per producer log, updated in the same transaction as the
effects of the events it read, so an event is applied exactly once. Rows are read in (txid, id) order and
only from transactions older than every transaction still running, so a row committed out of id order is
never skipped.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gongjian_shared.bus.consumer import (
    ConsumerStats,
    EventApplier,
    Subscription,
    UnitOfWorkFactory,
    describe_error,
    is_infrastructure_error,
)
from gongjian_shared.bus.listener import wait_for_wake
from gongjian_shared.bus.tables import SNAPSHOT_XMIN, BusTables
from gongjian_shared.db import unit_of_work
from gongjian_shared.events.envelope import EventEnvelope
from gongjian_shared.jobs import PeriodicJob
from gongjian_shared.settings import BusSettings

logger = logging.getLogger("gongjian.bus")


class EmbeddedConsumerRunner:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        tables: BusTables,
        subscription: Subscription,
        settings: BusSettings,
        wake: asyncio.Event,
        unit_of_work: UnitOfWorkFactory,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._tables = tables
        self._applier = EventApplier(tables, subscription, unit_of_work)
        self._settings = settings
        self._wake = wake
        self._attempts: dict[Any, int] = {}
        self.subscription = subscription
        self._types = sorted(subscription.event_types)  # read on every poll: computed once
        self.stats = ConsumerStats()
        self._job = PeriodicJob(
            name=f"embedded consumer {subscription.group_id}",
            step=self.read_once,
            interval_seconds=settings.poll_interval_seconds,
            jitter=0.0,  # woken by NOTIFY; the interval is only the fallback
            backoff_seconds=max(settings.retry_backoff_seconds, 0.1),
            max_backoff_seconds=10.0,
            wait=lambda seconds: wait_for_wake(self._wake, seconds),
            on_failure=self._lost,
        )

    async def run(self) -> None:
        await self._job()

    async def read_once(self) -> bool:
        """One read of every producer log this group follows (the job's step); True when more may wait."""
        more = False
        for source in sorted(self.subscription.streams):
            more = await self._read_batch(source) or more
        self.stats.connected = True
        return more

    def _lost(self, exc: Exception) -> None:
        self.stats.connected = False
        self.stats.last_error = describe_error(exc)

    async def _read_batch(self, source: str) -> bool:
        """Apply one batch from one producer log; True when more rows may be waiting."""
        positions = self._tables.positions
        group = self.subscription.group_id
        types = self._types
        retry_after: float | None = None
        async with unit_of_work(self._sessionmaker) as session:
            claimed = await self._claim_position(session, source)
            if claimed is None:  # another replica of this group is reading this log right now
                return False
            rows = (
                await session.execute(
                    text(
                        f"SELECT id, txid, type, CASE WHEN type = ANY(:types) THEN envelope END AS envelope "
                        f'FROM "{source}".outbox '
                        f"WHERE (txid, id) > (:txid, :id) AND txid < {SNAPSHOT_XMIN} "
                        "ORDER BY txid, id LIMIT :limit"
                    ),
                    {
                        "types": types,
                        "txid": claimed.txid,
                        "id": claimed.outbox_id,
                        "limit": self._settings.batch_size,
                    },
                )
            ).all()
            last: tuple[int, int] | None = None
            for row in rows:
                if row.envelope is not None and not await self._apply_one(session, row.envelope):
                    retry_after = self._settings.retry_backoff_seconds
                    break
                last = (row.txid, row.id)
            if last is not None:
                await session.execute(
                    positions.update()
                    .where(positions.c.group_id == group, positions.c.source == source)
                    .values(txid=last[0], outbox_id=last[1], updated_at=text("now()"))
                )
        if retry_after is not None:
            await asyncio.sleep(retry_after)
            return True
        return len(rows) == self._settings.batch_size

    async def _claim_position(self, session: AsyncSession, source: str) -> Any:
        positions = self._tables.positions
        where = (positions.c.group_id == self.subscription.group_id, positions.c.source == source)
        claim = positions.select().where(*where).with_for_update(skip_locked=True)
        claimed = (await session.execute(claim)).first()
        if claimed is None and (await session.execute(positions.select().where(*where))).first() is None:
            # first read of this log by this group: create its position (once, not on every poll)
            await session.execute(
                insert(positions)
                .values(group_id=self.subscription.group_id, source=source)
                .on_conflict_do_nothing()
            )
            claimed = (await session.execute(claim)).first()
        return claimed

    async def _apply_one(self, session: AsyncSession, raw: dict[str, Any]) -> bool:
        """Apply in a savepoint; False to stop the batch here and retry this event later."""
        envelope = EventEnvelope.model_validate(raw)
        try:
            async with session.begin_nested():
                applied = await self._applier.apply(session, envelope)
        except Exception as exc:
            if is_infrastructure_error(exc):
                raise
            attempts = self._attempts.get(envelope.event_id, 0) + 1
            self._attempts[envelope.event_id] = attempts
            self.stats.last_error = describe_error(exc)
            if attempts < self._settings.max_attempts:
                logger.warning(
                    "consumer %s failed on %s (attempt %d): %s",
                    self.subscription.group_id,
                    envelope.event_id,
                    attempts,
                    self.stats.last_error,
                )
                return False
            await self._applier.dead_letter(session, envelope, self.stats.last_error, attempts)
            self._attempts.pop(envelope.event_id, None)
            self.stats.dead_lettered += 1
            return True
        self._attempts.pop(envelope.event_id, None)
        if applied:
            self.stats.applied += 1
        else:
            self.stats.duplicates += 1
        return True

    async def refresh_lag(self) -> int | None:
        positions = self._tables.positions
        total = 0
        async with self._sessionmaker() as session:
            for source in sorted(self.subscription.streams):
                position = (
                    await session.execute(
                        positions.select().where(
                            positions.c.group_id == self.subscription.group_id, positions.c.source == source
                        )
                    )
                ).first()
                txid, outbox_id = (position.txid, position.outbox_id) if position else (0, 0)
                count = await session.scalar(
                    text(
                        f'SELECT count(*) FROM "{source}".outbox '
                        "WHERE (txid, id) > (:txid, :id) AND type = ANY(:types)"
                    ),
                    {"txid": txid, "id": outbox_id, "types": self._types},
                )
                total += int(count or 0)
        self.stats.lag = total
        return total
