"""Against the real broker: outages, crashes between the database commit and the offset commit, replays."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.client import AIOKafkaClient
from aiokafka.errors import KafkaConnectionError
from aiokafka.protocol.produce import ProduceRequest
from aiokafka.structs import OffsetAndMetadata
from sqlalchemy import func, select, text

from gongjian.infra.kafka import KafkaBroker
from gongjian_meetings.app import EVENT_HANDLERS as MEETINGS_HANDLERS
from gongjian_meetings.models import BUS as MEETINGS_BUS
from gongjian_meetings.models import UNIT_REPLICA
from gongjian_shared.bus.kafka import KafkaConsumerRunner
from gongjian_shared.events.projects import UnitUpdated
from gongjian_shared.events.registry import topic_name
from support.bus_probes import TopicMessage, count_applications, read_topic
from support.platform import Platform, eventually

pytestmark = [pytest.mark.asyncio, pytest.mark.kafka]

MEMBERS_GROUP = "meetings-api.members"


async def replica_names(platform: Platform) -> list[str]:
    async with platform.context("meetings-api").sessionmaker() as session:
        return list((await session.execute(select(UNIT_REPLICA.c.name))).scalars())


async def inbox_count(platform: Platform) -> int:
    async with platform.context("meetings-api").sessionmaker() as session:
        inbox = MEETINGS_BUS.inbox
        return int(await session.scalar(select(func.count()).select_from(inbox)) or 0)


async def create_units(platform: Platform, count: int, tag: str) -> list[str]:
    names = []
    for index in range(count):
        name = f"{tag}-{index}"
        response = await platform.client.post("/api/v1/units", json={"name": name, "kind": "department"})
        assert response.status_code == 201, response.text
        names.append(name)
    return names


def members_runner(platform: Platform) -> KafkaConsumerRunner:
    bus = platform.context("meetings-api").bus
    assert bus is not None
    runner = bus.consumers[0]
    assert isinstance(runner, KafkaConsumerRunner)
    return runner


async def unit_event_ids(platform: Platform, names: list[str]) -> list[uuid.UUID]:
    """The `unit-updated` event of each unit created with these names, from the projects outbox."""
    async with platform.context("projects-api").sessionmaker() as session:
        rows = await session.execute(
            text(
                "SELECT envelope->'payload'->>'name' AS name, event_id FROM projects.outbox "
                "WHERE type = 'unit-updated' AND envelope->'payload'->>'name' = ANY(:names)"
            ),
            {"names": names},
        )
        by_name = {row.name: row.event_id for row in rows}
    return [by_name[name] for name in names]


async def projects_topic(platform: Platform, kafka: KafkaBroker) -> list[TopicMessage]:
    settings = platform.context("projects-api").settings.kafka
    return await read_topic(
        kafka.bootstrap_servers, topic_name(settings.topic_prefix, "projects"), settings.partitions
    )


async def unsent(platform: Platform) -> int:
    async with platform.context("projects-api").sessionmaker() as session:
        return int(
            await session.scalar(text("SELECT count(*) FROM projects.outbox WHERE sent_at IS NULL")) or 0
        )


async def _nothing_unsent(platform: Platform) -> bool:
    return await unsent(platform) == 0


async def test_writes_during_a_broker_outage_arrive_exactly_once(
    kafka_platform: Platform, kafka: KafkaBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The broker is killed and restarted off the event loop, so the relay and the consumers keep running (and
    failing) through the outage; the units written meanwhile are each published once and applied once."""
    await eventually(lambda: _replica_has(kafka_platform, 36), what="seed units replicated")
    runner = members_runner(kafka_platform)
    await eventually(_lag_zero(runner), what="every seed offset committed before the outage")
    applications = count_applications(monkeypatch, MEETINGS_HANDLERS["members"], UnitUpdated)
    applied = runner.stats.applied
    kafka.kill()
    restart = asyncio.create_task(asyncio.to_thread(kafka.restart, timeout=120))
    try:
        names = await create_units(kafka_platform, 5, f"outage-{uuid.uuid4().hex[:6]}")
    finally:
        await restart
    events = await unit_event_ids(kafka_platform, names)
    await eventually(lambda: _replica_has(kafka_platform, 41), timeout=90, what="units written in the outage")
    await eventually(_lag_zero(runner), timeout=60, what="the consumer to catch up")
    replicated = await replica_names(kafka_platform)
    assert all(replicated.count(name) == 1 for name in names)
    assert applications.counts == Counter(dict.fromkeys(events, 1)), "an event applied twice, or not at all"
    # a redelivery after the restart (a rebalance before an offset commit) may happen; a second effect may not
    assert runner.stats.applied - applied == 5
    assert await inbox_count(kafka_platform) == 41
    assert await unsent(kafka_platform) == 0
    published = Counter(m.event_id for m in await projects_topic(kafka_platform, kafka))
    assert [published[event_id] for event_id in events] == [1] * 5, "an event published twice"


async def test_a_produce_answer_lost_after_the_broker_stored_the_batch_publishes_it_once(
    kafka_platform: Platform, kafka: KafkaBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The broker stores the relay's batch but its answer never arrives (the connection drops): the producer
    sends the batch again, and the broker must recognise it (idempotent producer) instead of storing it twice."""
    await eventually(lambda: _replica_has(kafka_platform, 36), what="seed units replicated")
    runner = members_runner(kafka_platform)
    await eventually(_lag_zero(runner), what="the consumer to catch up")
    applications = count_applications(monkeypatch, MEETINGS_HANDLERS["members"], UnitUpdated)
    topic = topic_name(kafka_platform.context("projects-api").settings.kafka.topic_prefix, "projects")
    lost: list[ProduceRequest] = []
    send = AIOKafkaClient.send

    async def answer_lost(self: AIOKafkaClient, node_id: int, request: Any, **kwargs: Any) -> Any:
        response = await send(self, node_id, request, **kwargs)
        if not lost and isinstance(request, ProduceRequest) and any(t == topic for t, _ in request._topics):
            lost.append(request)  # stored by the broker; the client never hears it
            raise KafkaConnectionError("connection dropped after the broker stored the batch")
        return response

    monkeypatch.setattr(AIOKafkaClient, "send", answer_lost)
    names = await create_units(kafka_platform, 1, f"lost-{uuid.uuid4().hex[:6]}")
    [event_id] = await unit_event_ids(kafka_platform, names)
    await eventually(lambda: _replica_has(kafka_platform, 37), what="the unit to be replicated")
    await eventually(lambda: _nothing_unsent(kafka_platform), what="the relay to stamp the row")
    assert lost, "the answer was not lost"
    published = Counter(m.event_id for m in await projects_topic(kafka_platform, kafka))
    assert published[event_id] == 1, f"the event is on the topic {published[event_id]} times"
    await eventually(_lag_zero(runner), what="the consumer to catch up")
    assert applications.counts[event_id] == 1


async def _replica_has(platform: Platform, count: int) -> bool:
    return len(await replica_names(platform)) == count


async def test_a_crash_after_the_database_commit_and_before_the_offset_commit_has_no_double_effect(
    kafka_platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    await eventually(lambda: _replica_has(kafka_platform, 36), what="seed units replicated")
    runner = members_runner(kafka_platform)
    crashed: list[Any] = []
    original: Callable[..., Awaitable[None]] = AIOKafkaConsumer.commit

    async def crash_once(self: AIOKafkaConsumer, offsets: Any = None) -> None:
        if not crashed and MEMBERS_GROUP in str(self._group_id):
            crashed.append(offsets)
            raise RuntimeError("killed after the database commit, before the offset commit")
        await original(self, offsets)

    await eventually(_lag_zero(runner), what="every seed offset committed")
    monkeypatch.setattr(AIOKafkaConsumer, "commit", crash_once)
    applications = count_applications(monkeypatch, MEETINGS_HANDLERS["members"], UnitUpdated)
    duplicates_before = runner.stats.duplicates
    names = await create_units(kafka_platform, 1, f"crash-{uuid.uuid4().hex[:6]}")
    [event_id] = await unit_event_ids(kafka_platform, names)
    await eventually(lambda: _replica_has(kafka_platform, 37), what="the unit to be replicated")
    await eventually(_bool(lambda: bool(crashed)), what="the simulated crash")

    def redelivered() -> bool:  # recognised as a duplicate, or (broken consumer) applied a second time
        return runner.stats.duplicates > duplicates_before or applications.counts[event_id] > 1

    await eventually(_bool(redelivered), what="the redelivery")
    assert applications.counts[event_id] == 1, "the redelivered event was applied again"
    assert runner.stats.duplicates > duplicates_before, "the redelivery was not recognised as a duplicate"
    assert (await replica_names(kafka_platform)).count(names[0]) == 1
    assert await inbox_count(kafka_platform) == 37


def _bool(predicate: Callable[[], bool]) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return predicate()

    return check


async def test_a_replay_from_offset_zero_applies_nothing_twice(
    kafka_platform: Platform, kafka: KafkaBroker
) -> None:
    await eventually(lambda: _replica_has(kafka_platform, 36), what="seed units replicated")
    before = sorted(await replica_names(kafka_platform))
    context = kafka_platform.context("meetings-api")
    assert context.bus is not None
    runner = members_runner(kafka_platform)
    await eventually(_lag_zero(runner), what="the consumer to catch up")
    applied_before, duplicates_before = runner.stats.applied, runner.stats.duplicates
    await context.bus.stop()
    group = context.settings.kafka.group_prefix + MEMBERS_GROUP
    topic = runner.topics[0]
    rewind = AIOKafkaConsumer(
        bootstrap_servers=kafka.bootstrap_servers, group_id=group, enable_auto_commit=False
    )
    await rewind.start()
    try:
        # ensure_topics created the stream topics with this many partitions
        partitions = [TopicPartition(topic, p) for p in range(context.settings.kafka.partitions)]
        rewind.assign(partitions)
        await rewind.commit({tp: OffsetAndMetadata(0, "") for tp in partitions})
    finally:
        await rewind.stop()
    await context.bus.start()
    replay = members_runner(kafka_platform)
    await eventually(
        _bool(lambda: replay.stats.duplicates - duplicates_before >= 36),
        timeout=60,
        what="36 events redelivered",
    )
    assert replay.stats.applied == applied_before
    assert sorted(await replica_names(kafka_platform)) == before


def _lag_zero(runner: KafkaConsumerRunner) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return await runner.refresh_lag() == 0 and runner.stats.applied > 0

    return check
