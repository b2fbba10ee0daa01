"""An outbox that writes a scheduler batch's events in one statement at the end of the batch.

Same rows as `Outbox.publish` (the envelope is built by `EventEnvelope.wrap`), in the same transaction, in
the order they were published; only the round trips are saved: one INSERT per batch instead of one per
event, which is most of what firing a deadline costs.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_shared.bus.tables import BusTables
from gongjian_shared.clock import Clock
from gongjian_shared.events.envelope import EventEnvelope, EventPayload
from gongjian_shared.outbox import Outbox, correlation_id_var


class BatchOutbox(Outbox):
    def __init__(self, tables: BusTables, producer: str, clock: Clock) -> None:
        super().__init__(tables, producer, clock)
        self._pending: list[dict[str, Any]] = []

    async def publish(
        self, session: AsyncSession, payload: EventPayload, *, key: str, event_id: uuid.UUID | None = None
    ) -> EventEnvelope:
        envelope = EventEnvelope.wrap(
            payload,
            producer=self.producer,
            key=key,
            occurred_at=self._clock.now(),
            correlation_id=correlation_id_var.get(),
            event_id=event_id,
        )
        self._pending.append(
            {
                "event_id": envelope.event_id,
                "type": envelope.type,
                "version": envelope.version,
                "stream": payload.stream,
                "key": key,
                "envelope": envelope.model_dump(mode="json"),
            }
        )
        return envelope

    async def flush(self, session: AsyncSession) -> int:
        written = len(self._pending)
        if self._pending:
            await session.execute(self._tables.outbox.insert(), self._pending)
            self._pending = []
        return written
