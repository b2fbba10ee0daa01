"""Outbox rows that commit out of id order are never skipped nor reordered, on the embedded bus and through the
relay.

Two real transactions are held open: T1 writes event A first, T2 writes event B (a higher id, the same key) and
commits while T1 is still open. A reader that took rows by id (`id > last`), or read past a running
transaction, would hand out B before A exists for it, and then either skip A for ever (the embedded bus's
position is past it) or publish it after B (Kafka: the key's order broken). The readers are stepped by hand,
so what they saw while T1 was open is known, not timed.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian.infra.kafka import KafkaBroker
from gongjian_projects.models import BUS as PROJECTS_BUS
from gongjian_scoring.models import BUS as SCORING_BUS
from gongjian_shared.bus.consumer import Subscription
from gongjian_shared.bus.embedded import EmbeddedConsumerRunner
from gongjian_shared.bus.kafka import OutboxRelay
from gongjian_shared.events.envelope import EventEnvelope
from gongjian_shared.events.projects import ProgressReported
from gongjian_shared.events.registry import topic_name
from gongjian_shared.settings import BaseServiceSettings
from support.bus_probes import Applications, drain, outbox_positions, read_topic, wait_below_horizon
from support.platform import Platform, eventually, platform_settings, running_platform

pytestmark = pytest.mark.asyncio


def report_event(project_id: uuid.UUID, unit_id: uuid.UUID, amount: str) -> ProgressReported:
    return ProgressReported(
        report_id=uuid.uuid4(),
        project_id=project_id,
        unit_id=unit_id,
        year=2019,
        month=3,
        completed_10k=Decimal(amount),
        cumulative_10k=Decimal(amount),
        year_to_date_10k=Decimal(amount),
        physical_progress="施工",
        image_progress_percent=Decimal(5),
        late=False,
    )


class OutOfOrder:
    """T1 writes A and stays open; T2 writes B for the same project (key) and commits; T1 commits on `finish`."""

    def __init__(self, platform: Platform) -> None:
        self.projects = platform.context("projects-api")
        self.unit_id = uuid.uuid4()
        self.project_id = uuid.uuid4()
        self.key = str(self.project_id)
        self.a: EventEnvelope | None = None
        self.b: EventEnvelope | None = None

    async def write(self, t1: AsyncSession, t2: AsyncSession) -> tuple[uuid.UUID, uuid.UUID]:
        outbox = self.projects.outbox
        self.a = await outbox.publish(t1, report_event(self.project_id, self.unit_id, "100"), key=self.key)
        self.b = await outbox.publish(t2, report_event(self.project_id, self.unit_id, "200"), key=self.key)
        await t2.commit()
        return self.a.event_id, self.b.event_id

    async def check_log_order(self) -> int:
        """After both committed: A is before B by id and by transaction; the highest txid of the two."""
        assert self.a is not None and self.b is not None
        (a_txid, a_id), (b_txid, b_id) = await outbox_positions(
            self.projects.sessionmaker, "projects", [self.a.event_id, self.b.event_id]
        )
        assert a_id < b_id and a_txid < b_txid, "B must be written after A and commit first"
        return b_txid


async def wait_for_both(platform: Platform, a: uuid.UUID, b: uuid.UUID) -> None:
    """The service that really consumes the events (scoring, its facts group) applies both."""
    scoring = platform.context("scoring-worker")
    inbox = SCORING_BUS.inbox

    async def both_applied() -> bool:
        async with scoring.sessionmaker() as session:
            applied = await session.scalar(
                select(func.count())
                .select_from(inbox)
                .where(inbox.c.group_id == "scoring-worker.facts", inbox.c.event_id.in_([a, b]))
            )
        return applied == 2

    await eventually(both_applied, what="both out-of-order events to be applied by scoring")


def probe_runner(platform: Platform, applications: Applications) -> EmbeddedConsumerRunner:
    """A consumer group of its own on the real embedded bus, reading the projects log, stepped by the test."""
    scoring = platform.context("scoring-worker")
    subscription = Subscription("test.ordering-probe", {ProgressReported: applications.recorder()})
    return EmbeddedConsumerRunner(
        scoring.sessionmaker,
        SCORING_BUS,
        subscription,
        scoring.settings.bus,
        asyncio.Event(),
        scoring.unit_of_work,
    )


async def test_embedded_bus_applies_rows_committed_out_of_id_order_in_log_order(platform: Platform) -> None:
    applications = Applications()
    runner = probe_runner(platform, applications)
    writes = OutOfOrder(platform)
    async with writes.projects.sessionmaker() as t1, writes.projects.sessionmaker() as t2:
        a, b = await writes.write(t1, t2)
        await drain(runner.read_once)  # B is committed, A is not: B must wait for A
        assert b not in applications.order, "B was applied while A, written before it, was not committed"
        await t1.commit()
    last_txid = await writes.check_log_order()
    await wait_below_horizon(writes.projects.sessionmaker, last_txid)
    await drain(runner.read_once)
    assert [e for e in applications.order if e in (a, b)] == [a, b], "A skipped or applied after B"
    assert applications.twice() == []
    await wait_for_both(platform, a, b)


@pytest.fixture
async def relay_platform(database_url: str, kafka: KafkaBroker) -> AsyncIterator[Platform]:
    """The platform on Kafka with projects-api's own relay off: the test steps a relay of its own."""
    settings = platform_settings(database_url, bus="kafka", kafka_bootstrap=kafka.bootstrap_servers)
    projects: BaseServiceSettings = settings["projects-api"]
    settings["projects-api"] = projects.model_copy(
        update={"bus": projects.bus.model_copy(update={"run_relay": False})}
    )
    async with running_platform(settings) as running:
        await running.login()
        yield running


@pytest.mark.kafka
async def test_relay_publishes_rows_committed_out_of_id_order_in_log_order_per_key(
    relay_platform: Platform, kafka: KafkaBroker
) -> None:
    projects = relay_platform.context("projects-api")
    settings = projects.settings
    relay = OutboxRelay(projects.engine, PROJECTS_BUS, settings.kafka, settings.bus, asyncio.Event())
    writes = OutOfOrder(relay_platform)
    try:
        async with projects.sessionmaker() as t1, projects.sessionmaker() as t2:
            a, b = await writes.write(t1, t2)
            await drain(relay.publish_once)  # B is committed, A is not: B must wait for A
            async with projects.sessionmaker() as session:
                b_sent = await session.scalar(
                    text("SELECT sent_at FROM projects.outbox WHERE event_id = :id"), {"id": b}
                )
            assert b_sent is None, "B was published while A, written before it, was not committed"
            await t1.commit()
        last_txid = await writes.check_log_order()
        await wait_below_horizon(projects.sessionmaker, last_txid)
        await drain(relay.publish_once)
    finally:
        await relay.close()
    topic = topic_name(settings.kafka.topic_prefix, "projects")
    of_key = [
        m.event_id
        for m in await read_topic(kafka.bootstrap_servers, topic, settings.kafka.partitions)
        if m.key == writes.key
    ]
    assert of_key == [a, b], "the key's events are not on the topic once each, in log order"
    async with projects.sessionmaker() as session:
        unsent = await session.scalar(text("SELECT count(*) FROM projects.outbox WHERE sent_at IS NULL"))
    assert unsent == 0
    await wait_for_both(relay_platform, a, b)
