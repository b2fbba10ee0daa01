"""With a fixed clock: working days and quiet hours, urgent at once, daily digests, escalation and acknowledgement."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from integration.notifier.notifier_sinks import SmtpSink
from integration.notifier.notifier_support import (
    WORKDAY_MORNING,
    bearer,
    contact,
    delivery_rows,
    make_account,
    make_unit,
    notifier_settings,
    notifier_worker,
    person_id,
    publish,
    wait_for_notifications,
)

from gongjian_notifier.delivery.repository import DeliveryRepository
from gongjian_notifier.delivery.worker import DeliveryWorker
from gongjian_notifier.models import Delivery, Notification
from gongjian_notifier.runtime import notifier_runtime
from gongjian_notifier.settings import EscalationSettings
from gongjian_shared.auth import Role
from gongjian_shared.clock import SHANGHAI, FrozenClock
from gongjian_shared.db import unit_of_work
from gongjian_shared.events.meetings import MeetingRef, MeetingUpcoming
from gongjian_shared.events.projects import (
    ProgressReportDue,
    ProgressReportLate,
    ProgressReportReturned,
    ProjectBehindSchedule,
    UnitContact,
    UnitOwing,
)
from support.platform import Platform, platform_settings, running_platform

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def clock() -> FrozenClock:
    return FrozenClock(WORKDAY_MORNING)


@pytest.fixture
async def platform(database_url: str, smtp_sink: SmtpSink, clock: FrozenClock) -> AsyncIterator[Platform]:
    """The platform on the embedded bus; the test drives the delivery worker itself."""
    notifier = notifier_settings(
        smtp_sink.port,
        delivery={"run_worker": False},
        escalation=EscalationSettings(after_hours=2),
    )
    settings = platform_settings(database_url, overrides={"notifier": notifier})
    async with running_platform(settings, clock=clock) as running:
        await running.login()
        yield running


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def returned(unit: dict[str, Any]) -> ProgressReportReturned:
    return ProgressReportReturned(
        report_id=uuid.uuid4(),
        project_id=uuid.uuid4(),
        unit_id=uuid.UUID(unit["id"]),
        year=2024,
        month=9,
        reason="完成投资与形象进度不符",
        returned_by_role="office",
    )


async def unit_with_people(platform: Platform, name: str, slug: str) -> dict[str, Any]:
    return await make_unit(
        platform,
        name,
        [
            contact("liaison", f"{name}联络员", email=f"liaison@{slug}.gov.cn"),
            contact("leader", f"{name}局长", email=f"head@{slug}.gov.cn"),
        ],
    )


async def test_a_non_urgent_reminder_on_a_national_holiday_waits_for_the_next_working_day_at_nine(
    platform: Platform, clock: FrozenClock, smtp_sink: SmtpSink
) -> None:
    unit = await unit_with_people(platform, "假日局", "holiday")
    clock.set(local("2024-10-01 10:00"))  # National Day
    event_id = await publish(platform, returned(unit), key=unit["id"])
    [notification] = await wait_for_notifications(platform, event_id)
    assert notification.release_at == local("2024-10-08 09:00")
    worker = notifier_worker(platform)

    await worker.deliver_due()
    [inbox] = await delivery_rows(platform, Delivery.channel == "inbox")
    assert inbox.Delivery.status == "delivered", "the inbox is read by pulling: nothing to hold back"
    for moment in ("2024-10-07 23:00", "2024-10-08 08:59"):
        clock.set(local(moment))
        await worker.deliver_due()
        assert smtp_sink.to("liaison@holiday.gov.cn") == [], moment

    clock.set(local("2024-10-08 09:00"))
    await worker.deliver_due()
    await worker.deliver_due()
    [mail] = smtp_sink.to("liaison@holiday.gov.cn")
    assert mail.subject == "【退回】2024年9月进度报告被退回"
    assert "退回原因：完成投资与形象进度不符" in mail.text


async def test_an_urgent_reminder_goes_at_once_on_a_holiday_night(
    platform: Platform, clock: FrozenClock, smtp_sink: SmtpSink
) -> None:
    unit = await unit_with_people(platform, "夜间局", "night")
    clock.set(local("2024-10-01 23:30"))
    liaison = UnitContact(person_id=person_id(unit, "夜间局联络员"), role="liaison", name="夜间局联络员")
    meeting = MeetingRef(
        meeting_id=uuid.uuid4(),
        body_id=uuid.uuid4(),
        body_name="市重点项目双月协调联席会议",
        level="city",
        title="2024年第5次联席会议",
        ad_hoc=True,
        held_on=local("2024-10-02 09:00").date(),
    )
    upcoming = MeetingUpcoming(
        meeting=meeting,
        units=(UnitOwing(unit_id=uuid.UUID(unit["id"]), unit_name="夜间局", liaisons=(liaison,)),),
    )
    event_id = await publish(platform, upcoming, key=str(meeting.meeting_id), producer="meetings-api")
    await wait_for_notifications(platform, event_id)
    await notifier_worker(platform).deliver_due()
    [mail] = smtp_sink.to("liaison@night.gov.cn")
    assert mail.subject == "【明日开会】2024年第5次联席会议"
    assert "2024年10月2日" in mail.text


async def test_unacknowledged_reminders_climb_to_the_heads_and_leaders_then_the_office(
    platform: Platform, clock: FrozenClock, smtp_sink: SmtpSink
) -> None:
    unit = await unit_with_people(platform, "滞后局", "behind")
    leader = await make_unit(
        platform, "市政府", [contact("leader", "包抓副市长", email="vice@ankang.gov.cn")]
    )
    behind = ProjectBehindSchedule(
        project_id=uuid.uuid4(),
        project_name="月河大桥",
        unit_id=uuid.UUID(unit["id"]),
        year=2024,
        month=9,
        completion_share_percent=Decimal("41.5"),
        benchmark_percent=Decimal("75"),
        colour="red",
        reason="征地拆迁未完成",
        leader_ids=(person_id(leader, "包抓副市长"),),
    )
    event_id = await publish(platform, behind, key=str(behind.project_id))
    await wait_for_notifications(platform, event_id)
    worker = notifier_worker(platform)
    await worker.deliver_due()
    assert [m.subject for m in smtp_sink.to("liaison@behind.gov.cn")] == [
        "【预警】月河大桥进度滞后于序时进度"
    ]

    clock.advance(timedelta(hours=1, minutes=59))
    await worker.deliver_due()
    assert smtp_sink.to("head@behind.gov.cn") == []
    clock.advance(timedelta(minutes=1))
    await worker.deliver_due()
    [to_head] = smtp_sink.to("head@behind.gov.cn")
    # the project's leader heard of the red project at once (领导包抓), and again as the unit's escalation
    at_once, to_leader = smtp_sink.to("vice@ankang.gov.cn")
    assert at_once.subject == "【预警】月河大桥进度滞后于序时进度"
    assert to_head.subject == to_leader.subject == "【升级提醒】【预警】月河大桥进度滞后于序时进度"
    assert "截至 2024年10月8日 12:00 仍未确认" in to_head.text

    clock.advance(timedelta(hours=2))
    await worker.deliver_due()
    [to_office] = smtp_sink.to("office@ankang.gov.cn")
    assert to_office.subject == "【督办】【预警】月河大桥进度滞后于序时进度"
    clock.advance(timedelta(hours=10))
    await worker.deliver_due()
    assert len(smtp_sink.received) == 5, "the office is the last level"


async def test_acknowledging_stops_the_escalation_and_unsent_pushes(
    platform: Platform, clock: FrozenClock, smtp_sink: SmtpSink
) -> None:
    unit = await unit_with_people(platform, "确认局", "ack")
    liaison = person_id(unit, "确认局联络员")
    account = (
        await make_account(platform, Role.LIAISON, unit_id=unit["id"], contact_ids=(liaison,))
    ).account_id
    clock.set(local("2024-10-08 21:00"))  # quiet hours: the email waits for tomorrow 09:00
    own = bearer(platform, Role.LIAISON, user_id=account, unit_id=uuid.UUID(unit["id"]))
    event_id = await publish(platform, returned(unit), key=unit["id"])
    await wait_for_notifications(platform, event_id)

    inbox = await platform.client.get("/api/v1/inbox", headers=own)
    assert inbox.status_code == 200, inbox.text
    [item] = inbox.json()["items"]
    assert item["needs_ack"] is True and item["ack_due_at"] is not None
    done = await platform.client.post(
        f"/api/v1/inbox/{item['id']}/acknowledge", json={"kind": "done"}, headers=own
    )
    assert done.status_code == 200, done.text
    assert done.json()["ack_kind"] == "done"
    again = await platform.client.post(
        f"/api/v1/inbox/{item['id']}/acknowledge", json={"kind": "read"}, headers=own
    )
    assert again.json()["ack_kind"] == "done", "已办 outranks a later 已阅"

    clock.set(local("2024-10-09 18:00"))
    await notifier_worker(platform).deliver_due()
    assert smtp_sink.received == [], "no escalation, and the email that was waiting is dropped"
    rows = await delivery_rows(platform, Notification.event_id == event_id)
    assert {(r.Delivery.channel, r.Delivery.status) for r in rows} == {
        ("inbox", "delivered"),
        ("email", "cancelled"),
    }
    assert rows[0].Notification.acknowledged_by == account
    assert rows[0].Notification.escalated_at is None


async def test_low_urgency_items_go_in_one_daily_digest_per_person(
    platform: Platform, clock: FrozenClock, smtp_sink: SmtpSink
) -> None:
    unit = await unit_with_people(platform, "汇总局", "digest")
    for month in (7, 8, 9):
        late = ProgressReportLate(
            report_id=uuid.uuid4(),
            project_id=uuid.uuid4(),
            unit_id=uuid.UUID(unit["id"]),
            year=2024,
            month=month,
            window_closed_at=datetime(2024, month + 1, 5, 16, 0, tzinfo=UTC),
        )
        await wait_for_notifications(platform, await publish(platform, late, key=unit["id"]))
    worker = notifier_worker(platform)
    await worker.deliver_due()
    assert smtp_sink.received == []

    clock.set(local("2024-10-09 09:00"))
    await worker.deliver_due()
    await worker.deliver_due()
    [digest] = smtp_sink.to("liaison@digest.gov.cn")
    assert digest.subject == "【每日汇总】汇总局：3 条提示"
    for month in (7, 8, 9):
        assert f"【逾期报送】2024年{month}月进度报告逾期" in digest.text
    rows = await delivery_rows(platform, Delivery.channel == "email")
    assert {r.Delivery.status for r in rows} == {"delivered"} and len(rows) == 3
    assert len({r.Delivery.digest_key for r in rows}) == 1


async def test_rows_of_a_worker_that_died_mid_batch_come_back_after_the_lease_and_go_once(
    platform: Platform, clock: FrozenClock, smtp_sink: SmtpSink
) -> None:
    unit = await unit_with_people(platform, "租约局", "lease")
    await wait_for_notifications(platform, await publish(platform, returned(unit), key=unit["id"]))
    context = platform.context("notifier")
    lease = timedelta(seconds=notifier_runtime(context).settings.delivery.lease_seconds)
    async with unit_of_work(context.sessionmaker) as session:
        # a replica claims the row, commits the claim, and dies before sending
        [claimed] = await DeliveryRepository(session).claim(
            "email", clock.now(), clock.now() + lease, "dead", 10
        )
    worker = notifier_worker(platform)
    await worker.deliver_due()
    assert smtp_sink.received == [], "the dead replica's lease still holds"
    clock.advance(lease + timedelta(seconds=1))
    await worker.deliver_due()
    await worker.deliver_due()
    [mail] = smtp_sink.to("liaison@lease.gov.cn")
    assert mail.message["Message-ID"] == f"<gongjian-delivery-{claimed.id}@ankang.gov.cn>"
    [row] = await delivery_rows(platform, Delivery.channel == "email")
    assert (row.Delivery.status, row.Delivery.attempts, row.Delivery.claimed_by) == (
        "delivered",
        2,
        worker.worker_id,
    )


async def test_people_see_only_their_own_inbox_and_the_office_sees_the_office_desk(
    platform: Platform, clock: FrozenClock
) -> None:
    unit = await unit_with_people(platform, "收件局", "inbox")
    other = await unit_with_people(platform, "别人局", "others")
    accounts = {}
    for owner, name in ((unit, "收件局联络员"), (other, "别人局联络员")):
        linked = (person_id(owner, name),)
        created = await make_account(platform, Role.LIAISON, unit_id=owner["id"], contact_ids=linked)
        accounts[name] = created.account_id
    mine = bearer(platform, Role.LIAISON, user_id=accounts["收件局联络员"])
    theirs = bearer(platform, Role.LIAISON, user_id=accounts["别人局联络员"])
    stranger = UnitOwing(unit_id=uuid.uuid4(), unit_name="查无此局")
    due = ProgressReportDue(year=2024, month=9, window_closes_at=WORKDAY_MORNING, units=(stranger,))
    for event in (returned(unit), returned(other), due):
        await wait_for_notifications(platform, await publish(platform, event, key=str(uuid.uuid4())))

    page = (await platform.client.get("/api/v1/inbox", headers=mine)).json()
    assert page["total"] == 1 and page["items"][0]["unit_name"] == "收件局"
    item_id = page["items"][0]["id"]
    other_item = (await platform.client.get("/api/v1/inbox", headers=theirs)).json()["items"][0]["id"]
    assert (await platform.client.get(f"/api/v1/inbox/{other_item}", headers=mine)).status_code == 404
    stolen = await platform.client.post(
        f"/api/v1/inbox/{other_item}/acknowledge", json={"kind": "done"}, headers=mine
    )
    assert stolen.status_code == 404 and stolen.json()["type"] == "/problems/inbox-item-not-found"

    clock.advance(timedelta(minutes=5))
    read = await platform.client.post(f"/api/v1/inbox/{item_id}/read", headers=mine)
    assert read.json()["read_at"] == (WORKDAY_MORNING + timedelta(minutes=5)).astimezone(
        UTC
    ).isoformat().replace("+00:00", "Z")
    assert (await platform.client.get("/api/v1/inbox/unread-count", headers=mine)).json() == {
        "unread": 0,
        "awaiting_ack": 1,
    }
    assert (await platform.client.get("/api/v1/inbox", params={"unread": True}, headers=mine)).json()[
        "total"
    ] == 0
    bad = await platform.client.post(
        f"/api/v1/inbox/{item_id}/acknowledge", json={"kind": "seen"}, headers=mine
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "body.kind"
    assert (await platform.client.get("/api/v1/inbox", headers=mine)).json()["items"][0][
        "acknowledged_at"
    ] is None

    office = (await platform.client.get("/api/v1/inbox")).json()  # the admin is an office account
    assert [i["title"] for i in office["items"]] == ["【无法送达】事件涉及的单位或人员不在通知目录中"]
    assert office["items"][0]["for_office"] is True
    assert (await platform.client.get("/api/v1/inbox", headers=bearer(platform, Role.REPORTER))).json()[
        "total"
    ] == 0


async def test_a_channels_rate_limit_holds_rows_in_the_table_until_the_bucket_refills(
    platform: Platform, clock: FrozenClock, smtp_sink: SmtpSink
) -> None:
    people = [contact("liaison", f"限速{i}", email=f"r{i}@rate.gov.cn") for i in range(3)]
    unit = await make_unit(platform, "限速局", people)
    await wait_for_notifications(platform, await publish(platform, returned(unit), key=unit["id"]))
    runtime = notifier_runtime(platform.context("notifier"))
    limited = runtime.settings.model_copy(
        update={"delivery": runtime.settings.delivery.model_copy(update={"rate_per_second": {"email": 1.0}})}
    )
    now = [0.0]
    worker = DeliveryWorker(
        platform.context("notifier"), replace(runtime, settings=limited), monotonic=lambda: now[0]
    )
    await worker.deliver_due()
    assert len(smtp_sink.received) == 1
    rows = await delivery_rows(platform, Delivery.channel == "email")
    assert sorted(r.Delivery.status for r in rows) == ["delivered", "pending", "pending"]
    now[0] += 1.0
    await worker.deliver_due()
    assert len(smtp_sink.received) == 2
    now[0] += 5.0
    await worker.deliver_due()
    assert len(smtp_sink.received) == 3
