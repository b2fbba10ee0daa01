"""Kafka: the relay that publishes outbox rows, and the consumer that applies them exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import zlib
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.structs import OffsetAndMetadata
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

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
from gongjian_shared.events.cloudevents import cloudevents_headers
from gongjian_shared.events.envelope import EventEnvelope
from gongjian_shared.events.registry import topic_name
from gongjian_shared.jobs import PeriodicJob
from gongjian_shared.settings import BusSettings, KafkaSettings

logger = logging.getLogger("gongjian.bus")

MAX_BACKOFF_SECONDS = 5.0


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"


def new_producer(kafka: KafkaSettings, client_suffix: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=kafka.bootstrap,
        client_id=f"{kafka.client_id}-{client_suffix}",
        enable_idempotence=True,
        acks="all",
        linger_ms=2,
        request_timeout_ms=kafka.request_timeout_ms,
    )


async def ensure_topics(kafka: KafkaSettings, topics: list[str]) -> None:
    """Create the topics a runner needs, so consumers never wait for a metadata refresh to see them."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap, client_id=f"{kafka.client_id}-admin")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [topic for topic in topics if topic not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(
                    [
                        NewTopic(name=topic, num_partitions=kafka.partitions, replication_factor=1)
                        for topic in missing
                    ]
                )
    finally:
        await admin.close()


class OutboxRelay:
    """Publishes one service's outbox to Kafka, in log order, and stamps what the broker acknowledged.

    One relay per outbox is active at a time (a transaction-scoped advisory lock), so per-key order holds;
    rows wait through broker outages and go out when the broker is back.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        tables: BusTables,
        kafka: KafkaSettings,
        bus: BusSettings,
        wake: asyncio.Event,
    ) -> None:
        self._engine = engine
        self._tables = tables
        self._kafka = kafka
        self._bus = bus
        self._wake = wake
        self._lock_key = zlib.crc32(f"gongjian-relay:{tables.schema}".encode())
        self.published = 0
        self.connected = False
        self.last_error: str | None = None
        self._producer: AIOKafkaProducer | None = None
        self._job = PeriodicJob(
            name=f"outbox relay {tables.schema}",
            step=self.publish_once,
            interval_seconds=bus.poll_interval_seconds,
            jitter=0.0,  # woken by NOTIFY; the interval is only the fallback
            backoff_seconds=0.2,
            max_backoff_seconds=MAX_BACKOFF_SECONDS,
            wait=lambda seconds: wait_for_wake(self._wake, seconds),
            on_failure=self._lost,
        )

    async def run(self) -> None:
        try:
            await self._job()
        finally:
            await self.close()

    async def publish_once(self) -> bool:
        """Connect when not connected, then send one batch (the job's step); True when more rows may wait."""
        try:
            if self._producer is None:
                self._producer = new_producer(self._kafka, f"relay-{self._tables.schema}")
                await self._producer.start()
                self.connected = True
            return await self._publish_batch(self._producer)
        except Exception:
            await self.close()
            raise

    def _lost(self, exc: Exception) -> None:
        self.connected = False
        self.last_error = describe_error(exc)

    async def close(self) -> None:
        """Stop the producer (a later step connects again)."""
        producer, self._producer = self._producer, None
        if producer is not None:
            with contextlib.suppress(Exception):
                await producer.stop()

    async def _publish_batch(self, producer: AIOKafkaProducer) -> bool:
        """Send one batch; True when more rows may be waiting."""
        outbox = self._tables.outbox
        async with self._engine.begin() as connection:
            locked = await connection.scalar(
                text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": self._lock_key}
            )
            if not locked:
                return False
            rows = (
                await connection.execute(
                    text(
                        f'SELECT id, stream, key, envelope FROM "{self._tables.schema}".outbox '
                        f"WHERE sent_at IS NULL AND txid < {SNAPSHOT_XMIN} ORDER BY txid, id LIMIT :limit"
                    ),
                    {"limit": self._bus.batch_size},
                )
            ).all()
            if not rows:
                return False
            deliveries = []
            for row in rows:
                deliveries.append(
                    await producer.send(
                        topic_name(self._kafka.topic_prefix, row.stream),
                        value=json.dumps(row.envelope, ensure_ascii=False).encode(),
                        key=row.key.encode(),
                        headers=cloudevents_headers(row.envelope),
                    )
                )
            await asyncio.gather(*deliveries)
            await connection.execute(
                outbox.update().where(outbox.c.id.in_([row.id for row in rows])).values(sent_at=text("now()"))
            )
        self.published += len(rows)
        return len(rows) == self._bus.batch_size


class KafkaConsumerRunner:
    """Applies events from Kafka; the offset is committed only after the transaction that applied it."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        tables: BusTables,
        subscription: Subscription,
        kafka: KafkaSettings,
        bus: BusSettings,
        unit_of_work: UnitOfWorkFactory,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._applier = EventApplier(tables, subscription, unit_of_work)
        self._kafka = kafka
        self._bus = bus
        self._consumer: AIOKafkaConsumer | None = None
        self._dlq: AIOKafkaProducer | None = None
        self._pending: tuple[AIOKafkaConsumer, AIOKafkaProducer] | None = None
        self.subscription = subscription
        self.stats = ConsumerStats()
        self.topics = sorted(topic_name(kafka.topic_prefix, stream) for stream in subscription.streams)
        self._job = PeriodicJob(
            name=f"kafka consumer {subscription.group_id}",
            step=self._step,
            interval_seconds=0.0,  # the step polls the broker, which waits
            jitter=0.0,
            backoff_seconds=0.2,
            max_backoff_seconds=MAX_BACKOFF_SECONDS,
            on_failure=self._lost,
        )

    async def run(self) -> None:
        try:
            await self._job()
        finally:
            await self._disconnect()

    async def _step(self) -> bool:
        """Connect when not connected, then apply what one poll brings, committing each offset after its
        transaction. Always True: the poll itself waits up to the poll interval."""
        try:
            consumer, dlq = self._consumer, self._dlq
            if consumer is None or dlq is None:
                consumer, dlq = await self._connect()
            batches = await consumer.getmany(
                timeout_ms=int(self._bus.poll_interval_seconds * 1000), max_records=self._bus.batch_size
            )
            for partition, messages in batches.items():
                for message in messages:
                    await self._handle(message.value, message.topic, dlq)
                    await consumer.commit({partition: OffsetAndMetadata(message.offset + 1, "")})
            return True
        except Exception:
            await self._disconnect()
            raise

    async def _connect(self) -> tuple[AIOKafkaConsumer, AIOKafkaProducer]:
        consumer = AIOKafkaConsumer(
            *self.topics,
            bootstrap_servers=self._kafka.bootstrap,
            client_id=f"{self._kafka.client_id}-{self.subscription.group_id}",
            group_id=self._kafka.group_prefix + self.subscription.group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            request_timeout_ms=max(self._kafka.request_timeout_ms, 40_000),
        )
        dlq = new_producer(self._kafka, f"dlq-{self.subscription.group_id}")
        self._pending = (consumer, dlq)  # stopped by _disconnect if starting fails half-way
        await ensure_topics(self._kafka, self.topics)
        await consumer.start()
        await dlq.start()
        self._consumer, self._dlq = consumer, dlq
        self.stats.connected = True
        return consumer, dlq

    def _lost(self, exc: Exception) -> None:
        self.stats.connected = False
        self.stats.last_error = describe_error(exc)

    async def _disconnect(self) -> None:
        pending, self._pending = self._pending, None
        self._consumer, self._dlq = None, None
        if pending is not None:
            consumer, dlq = pending
            with contextlib.suppress(Exception):
                await consumer.stop()
            with contextlib.suppress(Exception):
                await dlq.stop()

    async def _handle(self, value: bytes | None, topic: str, dlq: AIOKafkaProducer) -> None:
        try:
            envelope = EventEnvelope.model_validate_json(value or b"")
        except ValidationError as exc:
            await self._send_dead_letter(dlq, topic, value or b"", describe_error(exc), 1)
            return
        if not self._applier.wants(envelope.type):
            return
        error = ""
        for attempt in range(1, self._bus.max_attempts + 1):
            try:
                async with unit_of_work(self._sessionmaker) as session:
                    applied = await self._applier.apply(session, envelope)
            except Exception as exc:
                if is_infrastructure_error(exc):
                    raise
                error = describe_error(exc)
                self.stats.last_error = error
                logger.warning(
                    "consumer %s failed on %s (attempt %d): %s",
                    self.subscription.group_id,
                    envelope.event_id,
                    attempt,
                    error,
                )
                await asyncio.sleep(self._bus.retry_backoff_seconds * attempt)
                continue
            if applied:
                self.stats.applied += 1
            else:
                self.stats.duplicates += 1
            return
        await self._send_dead_letter(dlq, topic, envelope.to_json_bytes(), error, self._bus.max_attempts)
        async with unit_of_work(self._sessionmaker) as session:
            await self._applier.dead_letter(session, envelope, error, self._bus.max_attempts)
        self.stats.dead_lettered += 1

    async def _send_dead_letter(
        self, dlq: AIOKafkaProducer, topic: str, value: bytes, error: str, attempts: int
    ) -> None:
        headers: list[tuple[str, bytes]] = [
            ("error", error.encode()),
            ("attempts", str(attempts).encode()),
            ("group", self.subscription.group_id.encode()),
            ("source-topic", topic.encode()),
        ]
        await dlq.send_and_wait(dead_letter_topic(topic), value=value, headers=headers)

    async def refresh_lag(self) -> int | None:
        consumer = self._consumer
        if consumer is None:
            return self.stats.lag
        total = 0
        partitions: set[TopicPartition] = consumer.assignment()
        for partition in partitions:
            highwater: Any = consumer.highwater(partition)
            committed: Any = await consumer.committed(partition)
            if highwater is not None:
                total += max(0, int(highwater) - int(committed or 0))
        self.stats.lag = total
        return total
