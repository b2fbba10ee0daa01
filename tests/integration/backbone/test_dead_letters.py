"""An event whose handler keeps failing is dead-lettered after N attempts, with the error, and the rest flow on."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable

import pytest
from aiokafka import AIOKafkaConsumer
from sqlalchemy import select

from gongjian.infra.kafka import KafkaBroker
from gongjian_scoring.models import BUS as SCORING_BUS
from gongjian_shared.bus.consumer import ConsumerRunner, Event, Subscription
from gongjian_shared.bus.embedded import EmbeddedConsumerRunner
from gongjian_shared.bus.kafka import KafkaConsumerRunner, dead_letter_topic
from gongjian_shared.events.envelope import EventEnvelope
from gongjian_shared.events.projects import UnitUpdated
from gongjian_shared.events.registry import topic_name
from gongjian_shared.uow import UnitOfWork
from support.platform import Platform, eventually

pytestmark = pytest.mark.asyncio

POISON = "毒丸单位"


def poisoned_subscription(applied: list[str]) -> Subscription:
    async def handler(uow: UnitOfWork, event: Event[UnitUpdated]) -> None:
        name = event.payload.name
        if name == POISON:
            raise ValueError(f"cannot apply {name}")
        applied.append(name)

    return Subscription(group_id=f"test-dlq-{uuid.uuid4().hex[:6]}", handlers={UnitUpdated: handler})


async def publish_units(platform: Platform, names: list[str]) -> None:
    for name in names:
        response = await platform.client.post("/api/v1/units", json={"name": name, "kind": "department"})
        assert response.status_code == 201, response.text


async def run_until(
    runner: ConsumerRunner,
    check: list[str],
    expected: list[str],
    stored: Callable[[], Awaitable[bool]] | None = None,
) -> None:
    """Run the consumer until the good events are applied and the poison dead-lettered, and (`stored`) what it
    wrote has committed: the handler and the counter run inside the batch's transaction, and cancelling the
    consumer before its commit rolls the batch back, dead letter and all."""
    task = asyncio.create_task(runner.run())
    try:

        async def done() -> bool:
            # keyed by unit id, so across partitions the good events may come in any order
            applied = set(expected) <= set(check) and runner.stats.dead_lettered == 1
            return applied and (stored is None or await stored())

        await eventually(done, timeout=60, what="the good events applied and the poison dead-lettered")
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_embedded_bus_dead_letters_after_its_attempts(platform: Platform) -> None:
    await publish_units(platform, ["好单位一", POISON, "好单位二"])
    scoring = platform.context("scoring-worker")
    applied: list[str] = []
    subscription = poisoned_subscription(applied)
    bus = scoring.settings.bus.model_copy(update={"max_attempts": 3, "retry_backoff_seconds": 0.01})
    runner = EmbeddedConsumerRunner(
        scoring.sessionmaker, SCORING_BUS, subscription, bus, asyncio.Event(), scoring.unit_of_work
    )

    async def letters_stored() -> bool:
        async with scoring.sessionmaker() as session:
            return bool((await session.execute(select(SCORING_BUS.dead_letters))).all())

    await run_until(runner, applied, ["好单位一", "好单位二"], letters_stored)
    async with scoring.sessionmaker() as session:
        letters = (await session.execute(select(SCORING_BUS.dead_letters))).all()
    assert len(letters) == 1
    assert letters[0].attempts == 3
    assert "cannot apply" in letters[0].error
    assert letters[0].envelope["payload"]["name"] == POISON


@pytest.mark.kafka
async def test_kafka_consumer_sends_to_the_dead_letter_topic(
    kafka_platform: Platform, kafka: KafkaBroker
) -> None:
    await publish_units(kafka_platform, ["好单位一", POISON, "好单位二"])
    scoring = kafka_platform.context("scoring-worker")
    applied: list[str] = []
    subscription = poisoned_subscription(applied)
    bus = scoring.settings.bus.model_copy(update={"max_attempts": 2, "retry_backoff_seconds": 0.01})
    runner = KafkaConsumerRunner(
        scoring.sessionmaker,
        SCORING_BUS,
        subscription,
        scoring.settings.kafka,
        bus,
        scoring.unit_of_work,
    )
    await run_until(runner, applied, ["好单位一", "好单位二"])
    dlq = dead_letter_topic(topic_name(scoring.settings.kafka.topic_prefix, "projects"))
    reader = AIOKafkaConsumer(dlq, bootstrap_servers=kafka.bootstrap_servers, auto_offset_reset="earliest")
    await reader.start()
    try:
        batch = await reader.getmany(timeout_ms=10_000)
    finally:
        await reader.stop()
    messages = [message for messages in batch.values() for message in messages]
    assert len(messages) == 1
    headers = dict(messages[0].headers)
    assert b"cannot apply" in headers["error"]
    assert headers["attempts"] == b"2"
    assert EventEnvelope.model_validate_json(messages[0].value).payload["name"] == POISON
