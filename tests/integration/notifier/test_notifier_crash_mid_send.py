"""A worker killed while it sends, before the sink took the message: the push is not lost, it goes out once
after the dead worker's lease, from another worker (a worker that recorded before sending would lose it)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta

import pytest
from integration.notifier.notifier_sinks import SmtpSink
from integration.notifier.notifier_support import (
    WORKDAY_MORNING,
    contact,
    delivery_rows,
    make_unit,
    notifier_settings,
    notifier_worker,
    publish,
    wait_for_notifications,
)

from gongjian_notifier.channels.base import ChannelRegistry, Message, Outcome
from gongjian_notifier.delivery.worker import DeliveryWorker
from gongjian_notifier.models import Delivery
from gongjian_notifier.runtime import notifier_runtime
from gongjian_shared.clock import FrozenClock
from gongjian_shared.events.projects import ProgressReportReturned
from support.platform import Platform, platform_settings, running_platform

pytestmark = pytest.mark.asyncio

LEASE_SECONDS = 60.0


@pytest.fixture
async def clock() -> FrozenClock:
    return FrozenClock(WORKDAY_MORNING)


@pytest.fixture
async def platform(database_url: str, smtp_sink: SmtpSink, clock: FrozenClock) -> AsyncIterator[Platform]:
    """Email to a local SMTP server; the test runs the delivery workers itself."""
    notifier = notifier_settings(
        smtp_sink.port, delivery={"run_worker": False, "lease_seconds": LEASE_SECONDS}
    )
    settings = platform_settings(database_url, overrides={"notifier": notifier})
    async with running_platform(settings, clock=clock) as running:
        await running.login()
        yield running


class DyingEmail:
    """The email channel of a worker whose process dies in the middle of the send: the sink never answers."""

    name = "email"
    push = True

    def __init__(self) -> None:
        self.sending = asyncio.Event()

    async def send(self, messages: Sequence[Message]) -> list[Outcome]:
        self.sending.set()
        await asyncio.Event().wait()  # until the worker is killed (cancelled)
        raise AssertionError("unreachable")

    async def close(self) -> None:
        return None


async def test_a_worker_killed_while_sending_leaves_the_push_to_be_sent_after_its_lease(
    platform: Platform, smtp_sink: SmtpSink, clock: FrozenClock
) -> None:
    unit = await make_unit(platform, "中断局", [contact("liaison", "癸", email="gui@zhongduan.gov.cn")])
    returned = ProgressReportReturned(
        report_id=uuid.uuid4(),
        project_id=uuid.uuid4(),
        unit_id=uuid.UUID(unit["id"]),
        year=2024,
        month=9,
        reason="数据不符",
        returned_by_role="office",
    )
    event_id = await publish(platform, returned, key=unit["id"])
    await wait_for_notifications(platform, event_id)
    emails = [row.Delivery for row in await delivery_rows(platform, Delivery.channel == "email")]
    assert "gui@zhongduan.gov.cn" in {row.address for row in emails}
    assert {row.status for row in emails} == {"pending"}

    context = platform.context("notifier")
    runtime = notifier_runtime(context)
    dying_email = DyingEmail()
    dying = DeliveryWorker(
        context, dataclasses.replace(runtime, channels=ChannelRegistry([dying_email])), worker_id="dying"
    )
    sending = asyncio.create_task(dying.run_once(scheduled=False))
    await asyncio.wait_for(dying_email.sending.wait(), timeout=10)
    sending.cancel()  # killed mid-send: nothing after this line of the worker runs
    with contextlib.suppress(asyncio.CancelledError):
        await sending
    assert smtp_sink.count() == 0
    held = [row.Delivery for row in await delivery_rows(platform, Delivery.channel == "email")]
    assert {(row.status, row.claimed_by) for row in held} == {("sending", "dying")}, (
        "recorded before it was sent"
    )

    await notifier_worker(platform).deliver_due()  # within the lease: the row is the dead worker's
    assert smtp_sink.count() == 0
    clock.advance(timedelta(seconds=LEASE_SECONDS + 1))
    await notifier_worker(platform).deliver_due()

    rows = [row.Delivery for row in await delivery_rows(platform, Delivery.channel == "email")]
    assert {(row.status, row.attempts) for row in rows} == {("delivered", 2)}
    assert smtp_sink.count() == len(rows), "each push sent once"
    assert len(smtp_sink.to("gui@zhongduan.gov.cn")) == 1
