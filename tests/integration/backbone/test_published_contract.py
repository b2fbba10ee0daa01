"""The published event contract on the real broker: every record carries the CloudEvents binary-mode headers,
and a consumer written in Java from the AsyncAPI document alone (examples/java-consumer) checks each record of
`gongjian.projects` against it. Maven and Java are required: without them these tests fail, they never skip."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from integration.projects.test_registry_events_on_kafka import drive_every_event
from sqlalchemy import text

from gongjian_shared.bus.kafka import ensure_topics
from gongjian_shared.events.asyncapi import ASYNCAPI_PATH
from gongjian_shared.events.cloudevents import cloudevents_headers
from gongjian_shared.events.registry import topic_name
from gongjian_shared.settings import KafkaSettings
from support.platform import Platform, eventually
from support.reports import report

pytestmark = [pytest.mark.asyncio, pytest.mark.kafka]

ROOT = Path(__file__).resolve().parents[3]
CONSUMER_DIR = ROOT / "examples" / "java-consumer"
MAIN_CLASS = "cn.gov.ankang.gongjian.consumer.ContractConsumer"
CE_HEADERS = ("ce_id", "ce_source", "ce_type", "ce_time", "ce_specversion", "content-type")


@pytest.fixture(scope="module")
def java_consumer(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Builds the consumer with Maven (dependencies from Maven Central, cached in ~/.m2) into a temporary
    folder; returns the command that runs it."""
    mvn, java = shutil.which("mvn"), shutil.which("java")
    assert mvn and java, "the Java consumer needs Maven and Java 17 on PATH (see README, Quick start)"
    build = tmp_path_factory.mktemp("java-consumer")
    command = [
        mvn, "-B", "-q", "-Dstyle.color=never", "-f", str(CONSUMER_DIR / "pom.xml"), f"-Dconsumer.build.dir={build}",
        "compile", "dependency:copy-dependencies", "-DincludeScope=runtime", f"-DoutputDirectory={build / 'lib'}",
    ]  # fmt: skip
    started = time.monotonic()
    result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, (
        f"mvn failed ({result.returncode}):\n{(result.stdout + result.stderr)[-4000:]}"
    )
    report(
        "published event contract", "java consumer build", f"mvn compile: {time.monotonic() - started:.1f} s"
    )
    classpath = f"{build / 'classes'}:{build / 'lib'}/*"
    return [java, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classpath, MAIN_CLASS]


def run_consumer(java_consumer: list[str], bootstrap: str, topic: str, expected: int) -> tuple[int, str]:
    args = [bootstrap, topic, str(ASYNCAPI_PATH), str(expected), "90"]
    result = subprocess.run(
        [*java_consumer, *args], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=180
    )
    return result.returncode, result.stdout + result.stderr


async def published_count(platform: Platform) -> int:
    """How many events projects-api wrote, once the relay has sent every one of them."""

    async def all_sent() -> bool:
        async with platform.context("projects-api").sessionmaker() as session:
            waiting = await session.scalar(text("SELECT count(*) FROM projects.outbox WHERE sent_at IS NULL"))
        return waiting == 0

    await eventually(all_sent, timeout=90, what="the relay to send the outbox")
    async with platform.context("projects-api").sessionmaker() as session:
        return int(
            await session.scalar(text("SELECT count(*) FROM projects.outbox WHERE stream = 'projects'")) or 0
        )


async def read_topic(kafka: KafkaSettings, topic: str, count: int) -> list[Any]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka.bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    records: list[Any] = []
    try:
        deadline = time.monotonic() + 60
        while len(records) < count and time.monotonic() < deadline:
            for messages in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(messages)
    finally:
        await consumer.stop()
    return records


async def test_every_record_carries_the_cloudevents_headers(kafka_platform: Platform) -> None:
    keys = await drive_every_event(kafka_platform)
    count = await published_count(kafka_platform)
    kafka = kafka_platform.settings["projects-api"].kafka
    records = await read_topic(kafka, topic_name(kafka.topic_prefix, "projects"), count)
    assert len(records) >= count  # a periodic job may have written more since
    for record in records:
        headers = {name: value.decode() for name, value in record.headers}
        envelope = json.loads(record.value)
        assert set(CE_HEADERS) <= set(headers), headers
        assert headers["ce_id"] == envelope["event_id"]
        assert headers["ce_source"] == "/gongjian/projects-api"
        assert headers["ce_type"] == f"cn.gov.ankang.gongjian.{envelope['type']}.v{envelope['version']}"
        assert headers["ce_time"] == envelope["occurred_at"]
        assert headers["ce_specversion"] == "1.0" and headers["content-type"] == "application/json"
    registered = [
        json.loads(r.value) for r in records if dict(r.headers)["ce_type"].endswith(b".project-registered.v1")
    ]
    assert keys["project-registered"] in {envelope["key"] for envelope in registered}


async def test_the_java_consumer_checks_every_record_of_the_projects_topic(
    kafka_platform: Platform, java_consumer: list[str]
) -> None:
    keys = await drive_every_event(kafka_platform)
    count = await published_count(kafka_platform)
    kafka = kafka_platform.settings["projects-api"].kafka
    topic = topic_name(kafka.topic_prefix, "projects")
    code, output = await asyncio.to_thread(run_consumer, java_consumer, kafka.bootstrap, topic, count)
    assert code == 0, output
    checked = re.search(r"^checked (\d+) records: (\d+) passed, 0 failed", output, re.MULTILINE)
    assert checked and checked[1] == checked[2] and int(checked[1]) >= count, output  # a job may add more
    for event_type in keys:
        assert f"cn.gov.ankang.gongjian.{event_type}.v1=" in output, (event_type, output)
    summary = [line for line in output.splitlines() if line.startswith(("checked ", "by type: "))]
    report("published event contract", "java consumer", "\n".join(summary))


async def test_the_java_consumer_fails_on_records_that_break_the_contract(
    kafka_platform: Platform, java_consumer: list[str]
) -> None:
    kafka = kafka_platform.settings["projects-api"].kafka
    topic = f"{kafka.topic_prefix}broken-{uuid.uuid4().hex[:6]}"
    await ensure_topics(kafka, [topic])
    envelope = {
        "event_id": str(uuid.uuid4()),
        "type": "project-registered",
        "version": 1,
        "occurred_at": "2026-03-01T02:00:00Z",
        "producer": "projects-api",
        "key": str(uuid.uuid4()),
        "correlation_id": None,
        "payload": {"project_id": str(uuid.uuid4())},  # the rest of the required fields missing
    }
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap)
    await producer.start()
    try:
        value, key = json.dumps(envelope).encode(), envelope["key"].encode()
        await producer.send_and_wait(topic, value=value, key=key)  # no headers at all
        await producer.send_and_wait(topic, value=value, key=key, headers=cloudevents_headers(envelope))
    finally:
        await producer.stop()
    code, output = await asyncio.to_thread(run_consumer, java_consumer, kafka.bootstrap, topic, 2)
    assert code == 1, output
    assert "checked 2 records: 0 passed, 2 failed" in output, output
    assert "missing header ce_id" in output and "value: " in output, output
