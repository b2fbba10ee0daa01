"""On the real Kafka broker: live scores equal a recompute from scratch, and a replay of every event from
offset 0 into an emptied read model rebuilds exactly the same scores."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata
from integration.scoring.scoring_support import (
    live_scores,
    progress,
    publish,
    register_project,
    settle,
    unit_ids,
)
from sqlalchemy import text

from gongjian.infra.kafka import KafkaBroker
from gongjian_scoring.scores.service import recompute
from gongjian_shared.bus.kafka import KafkaConsumerRunner
from gongjian_shared.events.projects import ProjectRemovedFromPlan, ProjectStarted
from support.platform import Platform, eventually

pytestmark = [pytest.mark.asyncio, pytest.mark.kafka]

FACTS_GROUP = "scoring-worker.facts"
READ_MODEL = ("project_fact", "project_investment", "unit_replica", "score_snapshot")


async def drive(platform: Platform) -> None:
    counties = await unit_ids(platform, "county")
    departments = await unit_ids(platform, "department")
    events = []
    for serial, (unit, planned) in enumerate(
        [
            (counties["汉滨区"], "1000"),
            (counties["汉滨区"], "3000"),
            (counties["平利县"], "800"),
            (departments["市交通运输局"], "5000"),
        ],
        start=1,
    ):
        project = await register_project(platform, unit, serial, planned=planned, plan_category="new-start")
        events += [
            progress(unit, project, 6, str(int(planned) // 2)),
            ProjectStarted(
                project_id=uuid.UUID(project),
                unit_id=uuid.UUID(unit),
                year=2019,
                started_on=date(2019, 4, serial),
                recognised_on=date(2019, 5, 2),
            ),
        ]
        if serial == 2:
            events.append(
                ProjectRemovedFromPlan(
                    project_id=uuid.UUID(project),
                    unit_id=uuid.UUID(unit),
                    year=2019,
                    removed_on=date(2019, 8, 1),
                    reason="调整",
                    approved_by="市政府",
                )
            )
    await publish(platform, *events)
    finding = {
        "kind": "reporting_finding",
        "year": 2019,
        "evidence": "督查通报",
        "finding": "late",
        "found_on": "2019-07-09",
        "description": "迟报",
    }
    response = await platform.client.post(
        f"/api/v1/scoring/units/{counties['平利县']}/judgements", json=finding
    )
    assert response.status_code == 201, response.text


def facts_runner(platform: Platform) -> KafkaConsumerRunner:
    bus = platform.context("scoring-worker").bus
    assert bus is not None
    runner = bus.consumers[0]
    assert isinstance(runner, KafkaConsumerRunner) and runner.subscription.group_id == FACTS_GROUP
    return runner


async def rewind_to_zero(platform: Platform, kafka: KafkaBroker, topic: str) -> None:
    settings = platform.context("scoring-worker").settings.kafka
    rewind = AIOKafkaConsumer(
        bootstrap_servers=kafka.bootstrap_servers,
        group_id=settings.group_prefix + FACTS_GROUP,
        enable_auto_commit=False,
    )
    await rewind.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(settings.partitions)]
        rewind.assign(partitions)
        await rewind.commit({tp: OffsetAndMetadata(0, "") for tp in partitions})
    finally:
        await rewind.stop()


async def test_incremental_from_scratch_and_replay_from_offset_zero_agree_on_kafka(
    kafka_platform: Platform, kafka: KafkaBroker
) -> None:
    await drive(kafka_platform)
    await settle(kafka_platform, timeout=60)
    before = {r: await live_scores(kafka_platform, r) for r in ("2019-county", "2019-department")}
    assert len(before["2019-county"]) == 13 and len(before["2019-department"]) == 21
    assert before["2019-county"]["汉滨区"]["total"] != before["2019-county"]["汉阴县"]["total"]
    context = kafka_platform.context("scoring-worker")
    async with context.sessionmaker() as session:
        reports = await recompute(context.unit_of_work(session))
        await session.commit()
    assert sum(r.snapshots_written for r in reports) == 0, reports

    runner = facts_runner(kafka_platform)
    topic = runner.topics[0]
    assert context.bus is not None
    await context.bus.stop()
    async with context.sessionmaker() as session:
        for table in READ_MODEL:
            await session.execute(text(f"DELETE FROM scoring.{table}"))
        await session.execute(text("DELETE FROM scoring.inbox WHERE group_id = :g"), {"g": FACTS_GROUP})
        await session.commit()
    assert await live_scores(kafka_platform) == {}
    await rewind_to_zero(kafka_platform, kafka, topic)
    await context.bus.start()

    async def rebuilt() -> bool:
        return all([await live_scores(kafka_platform, r) == scores for r, scores in before.items()])

    await eventually(rebuilt, timeout=90, what="the replay to rebuild the same scores")
    assert facts_runner(kafka_platform).stats.applied >= 36 + 4 * 3
