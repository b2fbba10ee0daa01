"""The office sends a failed push again once it fixed what made it fail; anything else is refused."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from integration.notifier.notifier_sinks import SmtpSink
from integration.notifier.notifier_support import (
    bearer,
    contact,
    delivery_rows,
    make_unit,
    notifier_settings,
    publish,
    wait_for_notifications,
)

from gongjian_notifier.models import Delivery, Notification
from gongjian_shared.auth import Role
from gongjian_shared.events.projects import ProgressReportReturned
from support.platform import Platform, platform_settings, running_platform

pytestmark = pytest.mark.asyncio

RETRY = "/api/v1/notifications/deliveries/{}/retry"


@pytest.fixture
async def platform(database_url: str, smtp_sink: SmtpSink) -> AsyncIterator[Platform]:
    """Email enabled (a local SMTP server); the test holds the delivery worker back."""
    notifier = notifier_settings(smtp_sink.port, delivery={"run_worker": False})
    async with running_platform(platform_settings(database_url, overrides={"notifier": notifier})) as running:
        await running.login()
        yield running


async def test_only_a_failed_push_is_retried_by_the_office_and_an_unknown_one_is_404(
    platform: Platform,
) -> None:
    unit = await make_unit(platform, "重发局", [contact("liaison", "无邮箱联络员")])
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
    [email] = await delivery_rows(platform, Notification.event_id == event_id, Delivery.channel == "email")
    assert email.Delivery.status == "failed", "no address: failed at once"

    liaison = bearer(platform, Role.LIAISON, unit_id=uuid.UUID(unit["id"]))
    assert (await platform.client.post(RETRY.format(email.Delivery.id), headers=liaison)).status_code == 403
    retried = await platform.client.post(RETRY.format(email.Delivery.id))
    assert retried.status_code == 200, retried.text
    assert (retried.json()["status"], retried.json()["attempts"]) == ("pending", 0)
    again = await platform.client.post(RETRY.format(email.Delivery.id))
    assert again.status_code == 409 and again.json()["type"] == "/problems/delivery-not-retryable"
    missing = await platform.client.post(RETRY.format(987654321))
    assert missing.status_code == 404 and missing.json()["type"] == "/problems/delivery-not-found"
