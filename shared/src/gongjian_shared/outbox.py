"""Publishing = inserting an outbox row in the caller's transaction; a relay or the embedded bus does the rest."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Insert, Text, bindparam, cast
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_shared.bus.tables import BusTables
from gongjian_shared.clock import Clock
from gongjian_shared.events.envelope import EventEnvelope, EventPayload
from gongjian_shared.events.registry import stream_of
from gongjian_shared.observability.context import traceparent_var

correlation_id_var: ContextVar[uuid.UUID | None] = ContextVar("correlation_id", default=None)


def outbox_row(envelope: EventEnvelope) -> dict[str, Any]:
    """The outbox row of one event: the whole envelope, plus the columns the relay and the bus read."""
    return {
        "event_id": envelope.event_id,
        "type": envelope.type,
        "version": envelope.version,
        "stream": stream_of(envelope.type),
        "key": envelope.key,
        "envelope": envelope.to_json_text(),
    }


def outbox_insert(tables: BusTables) -> Insert:
    """The outbox's INSERT, built once per table: each event binds its row (`outbox_row`), the envelope as the
    JSON text pydantic wrote (cast to jsonb by the server, not parsed back and dumped again by the driver).
    Every column is bound by name, so the INSERT may carry other writes of the transaction as CTEs (their
    values bound beside the row's)."""
    columns = tables.outbox.c
    values: dict[str, Any] = {
        name: bindparam(name, type_=columns[name].type)
        for name in ("event_id", "type", "version", "stream", "key")
    }
    values["envelope"] = cast(bindparam("envelope", type_=Text), JSONB)
    return tables.outbox.insert().values(values)


async def write_envelopes(
    session: AsyncSession, tables: BusTables, envelopes: Sequence[EventEnvelope]
) -> None:
    """Many events in one statement, in this order (for batches where one round trip each would dominate)."""
    if envelopes:
        await session.execute(outbox_insert(tables), [outbox_row(envelope) for envelope in envelopes])


class Outbox:
    """Writes events of one producing service into its own outbox table."""

    def __init__(self, tables: BusTables, producer: str, clock: Clock) -> None:
        self._tables = tables
        self._producer = producer
        self._clock = clock
        self._insert = outbox_insert(tables)

    @property
    def producer(self) -> str:
        return self._producer

    def wrap(self, payload: EventPayload, *, key: str, event_id: uuid.UUID | None = None) -> EventEnvelope:
        return EventEnvelope.wrap(
            payload,
            producer=self._producer,
            key=key,
            occurred_at=self._clock.now(),
            correlation_id=correlation_id_var.get(),
            event_id=event_id,
            traceparent=traceparent_var.get(),
        )

    async def publish(
        self, session: AsyncSession, payload: EventPayload, *, key: str, event_id: uuid.UUID | None = None
    ) -> EventEnvelope:
        envelope = self.wrap(payload, key=key, event_id=event_id)
        await session.execute(self._insert, outbox_row(envelope))
        return envelope


class BatchOutbox(Outbox):
    """Collects a batch's events and writes them in one statement at `flush`, in the same transaction."""

    def __init__(self, tables: BusTables, producer: str, clock: Clock) -> None:
        super().__init__(tables, producer, clock)
        self._pending: list[EventEnvelope] = []

    async def publish(
        self, session: AsyncSession, payload: EventPayload, *, key: str, event_id: uuid.UUID | None = None
    ) -> EventEnvelope:
        envelope = self.wrap(payload, key=key, event_id=event_id)
        self._pending.append(envelope)
        return envelope

    async def flush(self, session: AsyncSession) -> int:
        written = len(self._pending)
        await write_envelopes(session, self._tables, self._pending)
        self._pending = []
        return written
