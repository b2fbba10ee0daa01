"""A notifier that dies after a receiver accepted a push and before it recorded that sends the push again
once the lease runs out; the receiver knows the delivery key (Message-ID / X-Gongjian-Delivery), drops the
copy and says so, and the audit shows the push delivered on its second attempt as a dropped duplicate."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from integration.notifier.notifier_sinks import HttpSink, SmtpSink
from integration.notifier.notifier_support import (
    WORKDAY_MORNING,
    contact,
    delivery_rows,
    make_unit,
    notifier_settings,
    notifier_worker,
    person_id,
    publish,
    put_matching,
    wait_for_notifications,
)

from gongjian_notifier.channels.base import DUPLICATE_NOTE, Outcome
from gongjian_notifier.delivery.repository import Claimed
from gongjian_notifier.delivery.worker import DeliveryWorker
from gongjian_notifier.models import Delivery, Notification
from gongjian_notifier.runtime import notifier_runtime
from gongjian_notifier.settings import SmsSettings
from gongjian_shared.clock import SHANGHAI, FrozenClock
from gongjian_shared.events.projects import ProgressReportDue, ProgressReportLate, UnitContact, UnitOwing
from support.platform import Platform, platform_settings, running_platform

pytestmark = pytest.mark.asyncio

LEASE_SECONDS = 60
PUSHES = ("email", "sms")


class DiesBeforeRecording(DeliveryWorker):
    """A replica that sends and then dies before the transaction recording the outcome commits."""

    died_after: list[Outcome]

    async def _record(
        self, claimed: Sequence[Claimed], outcomes: Sequence[Outcome], retry_status: str
    ) -> None:
        self.died_after = [*getattr(self, "died_after", []), *outcomes]


@pytest.fixture
async def clock() -> FrozenClock:
    return FrozenClock(WORKDAY_MORNING)


@pytest.fixture
async def platform(
    database_url: str, smtp_sink: SmtpSink, http_sink: HttpSink, clock: FrozenClock
) -> AsyncIterator[Platform]:
    """Email and SMS to local receivers; the test runs the delivery workers itself."""
    notifier = notifier_settings(
        smtp_sink.port,
        delivery={"run_worker": False, "lease_seconds": LEASE_SECONDS},
        sms=SmsSettings(url=f"{http_sink.base_url}/sms"),
    )
    settings = platform_settings(database_url, overrides={"notifier": notifier})
    async with running_platform(settings, clock=clock) as running:
        await running.login()
        yield running


async def pushes(platform: Platform, event_id: uuid.UUID) -> dict[str, Any]:
    rows = await delivery_rows(platform, Notification.event_id == event_id, Delivery.channel.in_(PUSHES))
    return {row.Delivery.channel: row.Delivery for row in rows}


async def test_a_push_sent_again_after_a_crash_is_dropped_by_the_receiver_and_audited(
    platform: Platform, smtp_sink: SmtpSink, http_sink: HttpSink, clock: FrozenClock
) -> None:
    unit = await make_unit(
        platform, "崩溃局", [contact("liaison", "崩一", email="b1@beng.gov.cn", phone="13800000009")]
    )
    prefs = await put_matching(
        platform, f"/api/v1/notification-preferences/units/{unit['id']}", json={"channels": ["email", "sms"]}
    )
    assert prefs.status_code == 200, prefs.text
    owing = UnitOwing(
        unit_id=uuid.UUID(unit["id"]),
        unit_name=unit["name"],
        liaisons=(UnitContact(person_id=person_id(unit, "崩一"), role="liaison", name="崩一"),),
        project_ids=(uuid.uuid4(),),
    )
    due = ProgressReportDue(
        year=2024, month=9, window_closes_at=WORKDAY_MORNING.replace(hour=17), units=(owing,)
    )
    event_id = await publish(platform, due, key="2024-09")
    await wait_for_notifications(platform, event_id)
    assert set(await pushes(platform, event_id)) == set(PUSHES)

    context = platform.context("notifier")
    dying = DiesBeforeRecording(context, notifier_runtime(context), worker_id="dies-before-recording")
    await dying.run_once(scheduled=False)
    assert [outcome.status for outcome in dying.died_after] == ["delivered", "delivered"]
    assert [mail.to for mail in smtp_sink.received] == [["b1@beng.gov.cn"]]
    assert len(http_sink.at("/sms")) == 1
    before = await pushes(platform, event_id)
    assert {(row.status, row.attempts, row.claimed_by) for row in before.values()} == {
        ("sending", 1, "dies-before-recording")
    }

    # nothing is sent again while the dead replica's lease holds; once it ran out, another replica sends
    survivor = notifier_worker(platform)
    assert await survivor.run_once(scheduled=False) == 0
    clock.advance(timedelta(seconds=LEASE_SECONDS + 1))
    assert await survivor.deliver_due() == 2

    # each receiver saw the same key twice and kept one
    [mail] = smtp_sink.received
    [copy] = smtp_sink.duplicates
    assert copy.message["Message-ID"] == mail.message["Message-ID"]
    assert mail.message["Message-ID"] == f"<gongjian-delivery-{before['email'].id}@ankang.gov.cn>"
    first, again = http_sink.at("/sms")
    key = f"gongjian-delivery-{before['sms'].id}"
    assert first.headers["x-gongjian-delivery"] == again.headers["x-gongjian-delivery"] == key
    assert http_sink.duplicates == [again] and list(http_sink.accepted) == [key]

    # the audit: delivered, on the second attempt, as a duplicate the receiver dropped
    audit = await platform.client.get("/api/v1/notifications/deliveries", params={"unit_id": unit["id"]})
    assert audit.status_code == 200, audit.text
    entries = {entry["channel"]: entry for entry in audit.json()["items"] if entry["channel"] in PUSHES}
    assert set(entries) == set(PUSHES)
    for channel, entry in entries.items():
        assert (entry["status"], entry["attempts"]) == ("delivered", 2), channel
        assert entry["last_error"].startswith(DUPLICATE_NOTE), entry
    assert "X-Gongjian-Duplicate: " + key in entries["sms"]["last_error"]
    assert "SMTP 250: 2.0.0 duplicate" in entries["email"]["last_error"]


async def test_a_push_sent_once_is_not_called_a_duplicate(
    platform: Platform, smtp_sink: SmtpSink, http_sink: HttpSink
) -> None:
    unit = await make_unit(
        platform, "正常局", [contact("liaison", "正一", email="z1@zheng.gov.cn", phone="13800000008")]
    )
    prefs = await put_matching(
        platform, f"/api/v1/notification-preferences/units/{unit['id']}", json={"channels": ["email", "sms"]}
    )
    assert prefs.status_code == 200, prefs.text
    owing = UnitOwing(
        unit_id=uuid.UUID(unit["id"]),
        unit_name=unit["name"],
        liaisons=(UnitContact(person_id=person_id(unit, "正一"), role="liaison", name="正一"),),
        project_ids=(uuid.uuid4(),),
    )
    due = ProgressReportDue(
        year=2024, month=9, window_closes_at=WORKDAY_MORNING.replace(hour=17), units=(owing,)
    )
    event_id = await publish(platform, due, key="2024-09")
    await wait_for_notifications(platform, event_id)
    assert await notifier_worker(platform).deliver_due() == 2
    rows = await pushes(platform, event_id)
    assert {(row.status, row.attempts, row.last_error) for row in rows.values()} == {("delivered", 1, None)}
    assert smtp_sink.duplicates == [] and http_sink.duplicates == []


def item(month: int) -> str:
    return f"【逾期报送】2024年{month}月进度报告逾期"


def late(unit: dict[str, Any], month: int) -> ProgressReportLate:
    return ProgressReportLate(
        report_id=uuid.uuid4(),
        project_id=uuid.uuid4(),
        unit_id=uuid.UUID(unit["id"]),
        year=2024,
        month=month,
        window_closed_at=datetime(2024, month + 1, 5, 16, 0, tzinfo=UTC),
    )


async def test_a_digest_that_gained_items_while_its_sender_was_dead_is_not_dropped_as_a_copy(
    platform: Platform, smtp_sink: SmtpSink, clock: FrozenClock
) -> None:
    unit = await make_unit(platform, "汇总崩溃局", [contact("liaison", "汇一", email="h1@huizong.gov.cn")])
    for month in (7, 8):
        await wait_for_notifications(platform, await publish(platform, late(unit, month), key=unit["id"]))
    clock.set(datetime(2024, 10, 9, 10, tzinfo=SHANGHAI))
    context = platform.context("notifier")
    dying = DiesBeforeRecording(context, notifier_runtime(context), worker_id="dies-mid-digest")
    await dying.run_once(scheduled=True)
    [first] = smtp_sink.to("h1@huizong.gov.cn")
    assert [item(month) in first.text for month in (7, 8, 9)] == [True, True, False]

    # another item for the same person comes in; the dead sender's lease runs out by the next digest slot
    await wait_for_notifications(platform, await publish(platform, late(unit, 9), key=unit["id"]))
    clock.set(datetime(2024, 10, 10, 10, tzinfo=SHANGHAI))
    await notifier_worker(platform).deliver_due()

    # the same two items would be the same digest (a copy); with the third it is another one, and it arrives
    mails = smtp_sink.to("h1@huizong.gov.cn")
    assert len(mails) == 2, [mail.subject for mail in mails]
    assert mails[1].message["Message-ID"] != first.message["Message-ID"]
    assert all(item(month) in mails[1].text for month in (7, 8, 9))
    rows = await delivery_rows(platform, Delivery.channel == "email", Delivery.recipient_name == "汇一")
    assert {(row.Delivery.status, row.Delivery.last_error) for row in rows} == {("delivered", None)}
