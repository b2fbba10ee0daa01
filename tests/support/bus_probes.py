"""Probes for the reliability tests of the bus: a handler that notices a second application, a reader of a whole
Kafka topic, and ways to step a relay or a consumer by hand instead of waiting for it."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gongjian_shared.bus.consumer import Event, Handler
from gongjian_shared.events.envelope import EventPayload
from support.platform import eventually


@dataclass
class Applications:
    """Every committed application of a handler, by event id, in commit order: a redelivery that reaches the
    handler again shows up here even when the handler's own effect is an upsert."""

    order: list[uuid.UUID] = field(default_factory=list)

    @property
    def counts(self) -> Counter[uuid.UUID]:
        return Counter(self.order)

    def twice(self) -> list[uuid.UUID]:
        return [event_id for event_id, count in self.counts.items() if count > 1]

    def recorder(self, inner: Handler | None = None) -> Handler:
        async def record(uow: Any, event: Event[Any]) -> None:
            if inner is not None:
                await inner(uow, event)
            uow.after_commit(lambda: self.order.append(event.event_id))

        return record


def count_applications(
    monkeypatch: pytest.MonkeyPatch, handlers: MutableMapping[type[EventPayload], Handler], payload: type
) -> Applications:
    """Wrap a service's handler of `payload` (its `EVENT_HANDLERS` entry) so each committed application counts."""
    applications = Applications()
    monkeypatch.setitem(handlers, payload, applications.recorder(handlers[payload]))
    return applications


async def drain(step: Callable[[], Awaitable[bool]], rounds: int = 50) -> None:
    """Run a reader's step until it says nothing more waits (bounded)."""
    for _ in range(rounds):
        if not await step():
            return
    raise AssertionError(f"still more to read after {rounds} rounds")


async def outbox_positions(
    sessionmaker: async_sessionmaker[AsyncSession], schema: str, event_ids: list[uuid.UUID]
) -> list[tuple[int, int]]:
    """(txid, id) of each event's outbox row, in the order of `event_ids`."""
    async with sessionmaker() as session:
        rows = {
            row.event_id: (row.txid, row.id)
            for row in await session.execute(
                text(f'SELECT event_id, txid, id FROM "{schema}".outbox WHERE event_id = ANY(:ids)'),
                {"ids": event_ids},
            )
        }
    return [rows[event_id] for event_id in event_ids]


async def wait_below_horizon(sessionmaker: async_sessionmaker[AsyncSession], txid: int) -> None:
    """Wait until no transaction as old as `txid` runs any more: rows written up to it are readable in log
    order from now on (the horizon of new snapshots only moves forward)."""

    async def passed() -> bool:
        async with sessionmaker() as session:
            horizon = await session.scalar(
                text("SELECT (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint")
            )
        return int(horizon or 0) > txid

    await eventually(passed, timeout=10, what=f"every transaction up to {txid} to end")


@dataclass(frozen=True)
class TopicMessage:
    partition: int
    offset: int
    key: str
    envelope: dict[str, Any]

    @property
    def event_id(self) -> uuid.UUID:
        return uuid.UUID(self.envelope["event_id"])


async def read_topic(bootstrap: str, topic: str, partitions: int) -> list[TopicMessage]:
    """Every message of `topic` (made with `partitions` partitions) from its start to its end now, without a
    consumer group."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        assert topic in await consumer.topics(), f"no topic {topic}"
        assigned = [TopicPartition(topic, p) for p in range(partitions)]
        consumer.assign(assigned)
        await consumer.seek_to_beginning(*assigned)
        ends = await consumer.end_offsets(assigned)
        messages: list[TopicMessage] = []
        for _ in range(200):  # bounded: each round reads what is there
            if all([await consumer.position(tp) >= ends[tp] for tp in assigned]):
                break
            batches = await consumer.getmany(timeout_ms=500, max_records=1000)
            for tp, records in batches.items():
                for record in records:
                    if record.offset < ends[tp]:
                        key = (record.key or b"").decode()
                        envelope = json.loads(record.value or b"{}")
                        messages.append(TopicMessage(tp.partition, record.offset, key, envelope))
        else:
            raise AssertionError(f"could not read {topic} to its end")
        return messages
    finally:
        await consumer.stop()
