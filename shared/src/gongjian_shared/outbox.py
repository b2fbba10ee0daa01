"""Publishing = inserting an outbox row in the caller's transaction; a relay or the embedded bus does the rest."""

from __future__ import annotations

import uuid
from contextvars import ContextVar

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_shared.bus.tables import BusTables
from gongjian_shared.clock import Clock
from gongjian_shared.events.envelope import EventEnvelope, EventPayload

correlation_id_var: ContextVar[uuid.UUID | None] = ContextVar("correlation_id", default=None)


class Outbox:
    """Writes events of one producing service into its own outbox table."""

    def __init__(self, tables: BusTables, producer: str, clock: Clock) -> None:
        self._tables = tables
        self._producer = producer
        self._clock = clock

    @property
    def producer(self) -> str:
        return self._producer

    async def publish(
        self, session: AsyncSession, payload: EventPayload, *, key: str, event_id: uuid.UUID | None = None
    ) -> EventEnvelope:
        envelope = EventEnvelope.wrap(
            payload,
            producer=self._producer,
            key=key,
            occurred_at=self._clock.now(),
            correlation_id=correlation_id_var.get(),
            event_id=event_id,
        )
        await session.execute(
            self._tables.outbox.insert().values(
                event_id=envelope.event_id,
                type=envelope.type,
                version=envelope.version,
                stream=payload.stream,
                key=key,
                envelope=envelope.model_dump(mode="json"),
            )
        )
        return envelope
