"""The project's own Kafka broker, and the aiokafka behaviour the services rely on, against Kafka 4.1."""

import asyncio
import os
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from gongjian.infra.kafka import KAFKA_VERSION, KafkaBroker, KafkaBrokerError

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaBroker]:
    broker = KafkaBroker(tmp_path_factory.mktemp("kafka"))
    broker.start()
    yield broker
    broker.stop()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


async def create_topic(broker: KafkaBroker, partitions: int) -> str:
    name = unique("topic")
    admin = AIOKafkaAdminClient(bootstrap_servers=broker.bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, num_partitions=partitions, replication_factor=1)])
    finally:
        await admin.close()
    return name


async def list_topics(broker: KafkaBroker) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=broker.bootstrap_servers)
    await admin.start()
    try:
        topics: list[str] = await admin.list_topics()
    finally:
        await admin.close()
    return topics


@asynccontextmanager
async def producer(broker: KafkaBroker) -> AsyncIterator[Any]:
    client = AIOKafkaProducer(bootstrap_servers=broker.bootstrap_servers, enable_idempotence=True)
    await client.start()
    try:
        yield client
    finally:
        await client.stop()


@asynccontextmanager
async def consumer(broker: KafkaBroker, topic: str, group_id: str) -> AsyncIterator[Any]:
    client = AIOKafkaConsumer(
        topic,
        bootstrap_servers=broker.bootstrap_servers,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await client.start()
    try:
        yield client
    finally:
        await client.stop()


async def produce_numbers(broker: KafkaBroker, topic: str, numbers: range) -> None:
    async with producer(broker) as client:
        for number in numbers:
            await client.send_and_wait(topic, key=b"k", value=str(number).encode())


async def consume(client: Any, count: int, timeout: float = 20) -> list[ConsumerRecord[bytes, bytes]]:
    records: list[ConsumerRecord[bytes, bytes]] = []
    async with asyncio.timeout(timeout):
        while len(records) < count:
            for batch in (await client.getmany(timeout_ms=500)).values():
                records.extend(batch)
    return records


async def nothing_more(client: Any) -> bool:
    return not await client.getmany(timeout_ms=1_000)


def values(records: list[ConsumerRecord[bytes, bytes]]) -> list[int]:
    return [int(record.value) for record in records]


def test_broker_runs_the_pinned_kafka_version(broker: KafkaBroker) -> None:
    assert broker.version == KAFKA_VERSION
    assert broker.bootstrap_servers == f"127.0.0.1:{broker.broker_port}"
    assert broker.is_running()


async def test_idempotent_producer_keeps_order_per_key(broker: KafkaBroker) -> None:
    topic = await create_topic(broker, partitions=3)
    keys = [f"project-{i}".encode() for i in range(6)]
    async with producer(broker) as client:
        sends = [
            await client.send(topic, key=key, value=str(seq).encode()) for seq in range(30) for key in keys
        ]
        await asyncio.gather(*sends)

    async with consumer(broker, topic, unique("group")) as client:
        records = await consume(client, len(keys) * 30)

    sequences: defaultdict[bytes, list[int]] = defaultdict(list)
    partitions: defaultdict[bytes, set[int]] = defaultdict(set)
    for record in records:
        sequences[record.key].append(int(record.value))
        partitions[record.key].add(record.partition)
    assert sequences == {key: list(range(30)) for key in keys}
    assert all(len(used) == 1 for used in partitions.values())


async def test_group_resumes_after_committed_offset_and_redelivers_the_rest(broker: KafkaBroker) -> None:
    topic = await create_topic(broker, partitions=1)
    partition = TopicPartition(topic, 0)
    group = unique("group")
    await produce_numbers(broker, topic, range(10))

    async with consumer(broker, topic, group) as first:
        assert values(await consume(first, 10)) == list(range(10))
        await first.commit({partition: 6})  # only 0..5 were processed

    async with consumer(broker, topic, group) as second:
        assert values(await consume(second, 4)) == [6, 7, 8, 9]
        assert await nothing_more(second)
        assert await second.committed(partition) == 6
        await second.commit()
        assert await second.committed(partition) == 10


async def test_restart_keeps_topics_and_committed_offsets(broker: KafkaBroker) -> None:
    topic = await create_topic(broker, partitions=1)
    partition = TopicPartition(topic, 0)
    group = unique("group")
    await produce_numbers(broker, topic, range(5))
    async with consumer(broker, topic, group) as client:
        await consume(client, 5)
        await client.commit({partition: 3})
    port, pid = broker.broker_port, broker.pid

    await asyncio.to_thread(broker.restart)

    assert (broker.broker_port, broker.pid != pid) == (port, True)
    assert topic in await list_topics(broker)
    await produce_numbers(broker, topic, range(5, 7))
    async with consumer(broker, topic, group) as client:
        assert values(await consume(client, 4)) == [3, 4, 5, 6]
        assert await nothing_more(client)


async def test_idempotent_producer_delivers_once_across_a_broker_crash(broker: KafkaBroker) -> None:
    topic = await create_topic(broker, partitions=1)
    async with producer(broker) as client:
        await client.send_and_wait(topic, key=b"k", value=b"0")
        broker.kill()
        during_outage = asyncio.create_task(client.send_and_wait(topic, key=b"k", value=b"1"))
        await asyncio.sleep(1)
        assert not during_outage.done()
        await asyncio.to_thread(broker.restart)
        await asyncio.wait_for(during_outage, timeout=30)
        await client.send_and_wait(topic, key=b"k", value=b"2")

    async with consumer(broker, topic, unique("group")) as reader:
        assert values(await consume(reader, 3)) == [0, 1, 2]
        assert await nothing_more(reader)


def test_context_manager_stops_the_broker_process(tmp_path: Path) -> None:
    with KafkaBroker(tmp_path) as own:
        pid = own.pid
        assert pid is not None
    assert not own.is_running()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_start_failure_raises_with_the_log_tail(tmp_path: Path) -> None:
    broker = KafkaBroker(tmp_path, heap_mb=2)  # too small a heap for the JVM to boot
    with pytest.raises(
        KafkaBrokerError, match=r"(?s)exited with code 1 before it was ready.*initialization of VM"
    ):
        broker.start()
    assert broker.pid is None
