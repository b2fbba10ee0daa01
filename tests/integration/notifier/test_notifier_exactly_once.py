"""Exactly once across replicas and restarts: two notifiers share Kafka and the table, one restarts mid-batch."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from integration.notifier.notifier_sinks import SmtpSink
from integration.notifier.notifier_support import (
    WORKDAY_MORNING,
    contact,
    delivery_rows,
    make_unit,
    notifier_settings,
    publish,
    wait_until_settled,
)

from gongjian.infra.kafka import KafkaBroker
from gongjian_notifier.app import create_app
from gongjian_notifier.delivery.jobs import delivery_worker
from gongjian_notifier.delivery.worker import DeliveryWorker
from gongjian_notifier.models import Delivery
from gongjian_notifier.settings import NotifierSettings
from gongjian_shared.clock import FrozenClock
from gongjian_shared.events.projects import ProgressReportDue, UnitOwing
from support.platform import Platform, eventually, platform_settings, running_platform

pytestmark = [pytest.mark.asyncio, pytest.mark.kafka]

EVENTS = 30
LIAISONS = 4


@pytest.fixture
async def clock() -> FrozenClock:
    return FrozenClock(WORKDAY_MORNING)


@pytest.fixture
async def kplatform(
    database_url: str, kafka: KafkaBroker, smtp_sink: SmtpSink, clock: FrozenClock
) -> AsyncIterator[Platform]:
    notifier = notifier_settings(smtp_sink.port, delivery={"batch_size": 5, "lease_seconds": 60})
    notifier["email"] = notifier["email"].model_copy(update={"connections": 1})
    settings = platform_settings(
        database_url, bus="kafka", kafka_bootstrap=kafka.bootstrap_servers, overrides={"notifier": notifier}
    )
    async with running_platform(settings, clock=clock) as running:
        await running.login()
        yield running


async def start_replica(stack: AsyncExitStack, platform: Platform, clock: FrozenClock) -> FastAPI:
    settings = platform.settings["notifier"]
    assert isinstance(settings, NotifierSettings)
    app = create_app(settings, clock)
    await stack.enter_async_context(app.router.lifespan_context(app))
    return app


def worker_of(app: FastAPI) -> str:
    return delivery_worker(app.state.context).worker_id


async def email_rows(platform: Platform) -> list[Any]:
    return [row.Delivery for row in await delivery_rows(platform, Delivery.channel == "email")]


async def test_two_replicas_and_a_restart_mid_batch_send_every_email_exactly_once(
    kplatform: Platform, smtp_sink: SmtpSink, clock: FrozenClock
) -> None:
    people = [contact("liaison", f"壬{i}", email=f"r{i}@ren.gov.cn") for i in range(LIAISONS)]
    unit = await make_unit(kplatform, "壬局", people)
    owing = UnitOwing(unit_id=uuid.UUID(unit["id"]), unit_name="壬局", project_ids=(uuid.uuid4(),))
    smtp_sink.delay = 0.02
    stopping = AsyncExitStack()
    second = await start_replica(stopping, kplatform, clock)
    async with AsyncExitStack() as later:
        for month in range(EVENTS):
            window = WORKDAY_MORNING + timedelta(days=month)
            payload = ProgressReportDue(
                year=2024, month=month % 12 + 1, window_closes_at=window, units=(owing,)
            )
            await publish(kplatform, payload, key=f"due-{month}")

        expected = EVENTS * LIAISONS
        await eventually(lambda: _received(smtp_sink, expected // 4), what="a quarter of the emails")
        second_worker = delivery_worker(second.state.context)
        await eventually(lambda: _busy(second_worker), interval=0.002, what="the second replica mid-batch")
        await stopping.aclose()  # the restart: the batch in flight is finished, then the replica is gone
        assert second_worker.in_flight == 0
        stopped = second_worker.worker_id
        assert [
            r for r in await email_rows(kplatform) if r.claimed_by == stopped and r.status == "sending"
        ] == []
        third = await start_replica(later, kplatform, clock)

        await eventually(lambda: _received(smtp_sink, expected), timeout=90, what="every email")
        await wait_until_settled(kplatform)
        rows = await email_rows(kplatform)
        assert len(rows) == expected and {r.status for r in rows} == {"delivered"}
        assert {r.attempts for r in rows} == {1}, "no row was ever sent twice"
        workers = Counter(r.claimed_by for r in rows)
        assert stopped in workers and len(workers) >= 2, workers
        assert worker_of(third) != stopped

    ids = Counter(str(mail.message["Message-ID"]) for mail in smtp_sink.received)
    assert len(ids) == expected and set(ids.values()) == {1}
    per_person = Counter(mail.to[0] for mail in smtp_sink.received)
    assert per_person == {f"r{i}@ren.gov.cn": EVENTS for i in range(LIAISONS)}


async def _busy(worker: DeliveryWorker) -> bool:
    return worker.in_flight > 0


async def _received(sink: SmtpSink, count: int) -> bool:
    return sink.count() >= count
