"""Against the real broker: outages, crashes between the database commit and the offset commit, replays."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata
from sqlalchemy import func, select, text

from gongjian.infra.kafka import KafkaBroker
from gongjian_meetings.models import BUS as MEETINGS_BUS
from gongjian_meetings.models import UNIT_REPLICA
from gongjian_shared.bus.kafka import KafkaConsumerRunner
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


async def test_writes_during_a_broker_outage_arrive_exactly_once(
    kafka_platform: Platform, kafka: KafkaBroker
) -> None:
    await eventually(lambda: _replica_has(kafka_platform, 36), what="seed units replicated")
    kafka.kill()
    try:
        names = await create_units(kafka_platform, 5, f"outage-{uuid.uuid4().hex[:6]}")
    finally:
        kafka.restart(timeout=120)
    await eventually(lambda: _replica_has(kafka_platform, 41), timeout=90, what="units written in the outage")
    replicated = await replica_names(kafka_platform)
    assert all(replicated.count(name) == 1 for name in names)
    assert await inbox_count(kafka_platform) == 41
    async with kafka_platform.context("projects-api").sessionmaker() as session:
        assert await session.scalar(text("SELECT count(*) FROM projects.outbox WHERE sent_at IS NULL")) == 0


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

    monkeypatch.setattr(AIOKafkaConsumer, "commit", crash_once)
    duplicates_before = runner.stats.duplicates
    names = await create_units(kafka_platform, 1, f"crash-{uuid.uuid4().hex[:6]}")
    await eventually(lambda: _replica_has(kafka_platform, 37), what="the unit to be replicated")
    await eventually(_bool(lambda: runner.stats.duplicates > duplicates_before), what="the redelivery")
    assert crashed, "the simulated crash did not happen"
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
