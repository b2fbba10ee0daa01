"""The notifier reaches people through their accounts (projects-api's account events and links): an assigned
leader (包抓领导) and a meeting body's convener get their items in their own inbox; a disabled account gets nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from integration.notifier.notifier_sinks import SmtpSink
from integration.notifier.notifier_support import (
    WORKDAY_MORNING,
    bearer,
    contact,
    delivery_rows,
    disable_account,
    make_account,
    make_unit,
    notifier_settings,
    notifier_worker,
    publish,
    wait_for_notifications,
)

from gongjian_notifier.models import Delivery, Notification
from gongjian_notifier.settings import EscalationSettings
from gongjian_shared.auth import Role
from gongjian_shared.clock import FrozenClock
from gongjian_shared.events.meetings import AgendaReviewDue, MeetingRef
from gongjian_shared.events.projects import ProjectBehindSchedule, UnitContact
from support.platform import Platform, platform_settings, running_platform

pytestmark = pytest.mark.asyncio

ALERT = "【预警】月河大桥进度滞后于序时进度"
UNKNOWN = "【无法送达】事件涉及的单位或人员不在通知目录中"


@pytest.fixture
async def clock() -> FrozenClock:
    return FrozenClock(WORKDAY_MORNING)


@pytest.fixture
async def platform(database_url: str, smtp_sink: SmtpSink, clock: FrozenClock) -> AsyncIterator[Platform]:
    """The platform on the embedded bus; the test drives the delivery worker (and so escalation) itself."""
    notifier = notifier_settings(
        smtp_sink.port, delivery={"run_worker": False}, escalation=EscalationSettings(after_hours=2)
    )
    settings = platform_settings(database_url, overrides={"notifier": notifier})
    async with running_platform(settings, clock=clock) as running:
        await running.login()
        yield running


def behind_schedule(unit: dict[str, Any], leader_id: uuid.UUID) -> ProjectBehindSchedule:
    return ProjectBehindSchedule(
        project_id=uuid.uuid4(),
        project_name="月河大桥",
        unit_id=uuid.UUID(unit["id"]),
        year=2024,
        month=9,
        completion_share_percent=Decimal("41.5"),
        benchmark_percent=Decimal("75"),
        colour="red",
        reason="征地拆迁未完成",
        leader_ids=(leader_id,),
    )


def agenda_review(convener: UnitContact) -> AgendaReviewDue:
    meeting = MeetingRef(
        meeting_id=uuid.uuid4(),
        body_id=uuid.uuid4(),
        body_name="市重点项目双月协调联席会议",
        level="city",
        title="2024年第6次联席会议",
        ad_hoc=False,
        held_on=(WORKDAY_MORNING + timedelta(days=7)).date(),
    )
    return AgendaReviewDue(
        meeting=meeting,
        stage="approval",
        due_at=WORKDAY_MORNING + timedelta(days=3),
        units=(),
        convener=convener,
    )


async def inbox_titles(platform: Platform, headers: dict[str, str]) -> list[str]:
    response = await platform.client.get("/api/v1/inbox", headers=headers)
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


async def test_a_leader_linked_to_an_account_gets_the_red_project_alert_in_its_inbox(
    platform: Platform, clock: FrozenClock, smtp_sink: SmtpSink
) -> None:
    unit = await make_unit(
        platform, "滞后局", [contact("liaison", "滞后局联络员", email="liaison@behind.gov.cn")]
    )
    leader_id = uuid.uuid4()  # the registry's leader (包抓领导), no contact of any unit
    leader = await make_account(platform, Role.LEADER, leader_id=leader_id, email="vice@ankang.gov.cn")
    other = await make_account(platform, Role.LEADER, leader_id=uuid.uuid4(), email="other@ankang.gov.cn")
    event_id = await publish(platform, behind_schedule(unit, leader_id), key=str(uuid.uuid4()))
    await wait_for_notifications(platform, event_id, 2)
    worker = notifier_worker(platform)
    await worker.deliver_due()
    [to_liaison] = smtp_sink.to("liaison@behind.gov.cn")
    assert to_liaison.subject == ALERT
    # the project's leader hears of it at once, without being asked to acknowledge (the unit acts)
    own = bearer(platform, Role.LEADER, user_id=leader.account_id)
    assert await inbox_titles(platform, own) == [ALERT]
    [at_once] = smtp_sink.to("vice@ankang.gov.cn")
    assert at_once.subject == ALERT
    [direct] = [n for n in await wait_for_notifications(platform, event_id, 2) if n.unit_id is None]
    assert (direct.needs_ack, direct.ack_due_at) == (False, None)

    clock.advance(timedelta(hours=2))
    await worker.deliver_due()
    # the unit did not acknowledge: its heads and the leader are told again, once
    own = bearer(platform, Role.LEADER, user_id=leader.account_id)
    assert await inbox_titles(platform, own) == [f"【升级提醒】{ALERT}", ALERT]
    assert [m.subject for m in smtp_sink.to("vice@ankang.gov.cn")] == [ALERT, f"【升级提醒】{ALERT}"]
    rows = await delivery_rows(platform, Delivery.account_id == leader.account_id)
    assert {r.Delivery.channel for r in rows} == {"inbox", "email"}
    # the clock moved past the admin's sign-in: a fresh office token
    office = bearer(platform, Role.OFFICE)
    assert UNKNOWN not in await inbox_titles(platform, office), "the leader is no longer an unknown recipient"
    assert await inbox_titles(platform, bearer(platform, Role.LEADER)) == [], "another leader sees nothing"
    other_own = bearer(platform, Role.LEADER, user_id=other.account_id)
    assert await inbox_titles(platform, other_own) == [], "a leader of other projects hears nothing"
    assert smtp_sink.to("other@ankang.gov.cn") == []


async def test_a_convener_account_gets_its_agenda_review_item(platform: Platform) -> None:
    convener = await make_account(platform, Role.CONVENER)
    # the meeting body names its convener by account: the contact's person id is the account id
    named = UnitContact(person_id=convener.account_id, role="leader", name="张召集人")
    event_id = await publish(platform, agenda_review(named), key=str(uuid.uuid4()), producer="meetings-api")
    await wait_for_notifications(platform, event_id)
    own = bearer(platform, Role.CONVENER, user_id=convener.account_id)
    assert await inbox_titles(platform, own) == ["【议程待审定】2024年第6次联席会议"]

    # a body that names no account: the accounts holding the convener role are told
    unnamed = UnitContact(person_id=uuid.uuid4(), role="leader", name="李召集人")
    other_id = await publish(platform, agenda_review(unnamed), key=str(uuid.uuid4()), producer="meetings-api")
    [notification] = await wait_for_notifications(platform, other_id)
    rows = await delivery_rows(
        platform, Delivery.notification_id == notification.id, Delivery.channel == "inbox"
    )
    assert convener.account_id in {r.Delivery.account_id for r in rows}
    assert len(await inbox_titles(platform, own)) == 2


async def test_a_disabled_account_gets_no_new_items(platform: Platform, clock: FrozenClock) -> None:
    unit = await make_unit(
        platform, "停用局", [contact("liaison", "停用局联络员", email="liaison@off.gov.cn")]
    )
    leader_id = uuid.uuid4()
    leader = await make_account(platform, Role.LEADER, leader_id=leader_id, email="gone@ankang.gov.cn")
    convener = await make_account(platform, Role.CONVENER)
    await disable_account(platform, leader)
    await disable_account(platform, convener)

    behind_id = await publish(platform, behind_schedule(unit, leader_id), key=str(uuid.uuid4()))
    named = UnitContact(person_id=convener.account_id, role="leader", name="停用召集人")
    review_id = await publish(platform, agenda_review(named), key=str(uuid.uuid4()), producer="meetings-api")
    await wait_for_notifications(platform, behind_id)
    await wait_for_notifications(platform, review_id)
    worker = notifier_worker(platform)
    await worker.deliver_due()
    clock.advance(timedelta(hours=2))
    await worker.deliver_due()

    for account in (leader, convener):
        assert await delivery_rows(platform, Delivery.account_id == account.account_id) == []
        inbox = await platform.client.get(
            "/api/v1/inbox", headers=bearer(platform, Role.LEADER, user_id=account.account_id)
        )
        assert inbox.status_code == 401 or inbox.json()["total"] == 0, inbox.text
    convener_rows = await delivery_rows(
        platform,
        Notification.event_id == review_id,
        Delivery.channel == "inbox",
        Delivery.recipient_kind == "person",
    )
    assert convener_rows == [], "no inbox item for the disabled convener (the office desk is told in time)"
    escalations = await delivery_rows(
        platform, Notification.event_id == behind_id, Notification.level == 1, Delivery.channel == "inbox"
    )
    assert [r.Delivery.recipient_kind for r in escalations] == [], "nobody at level 1 but the disabled leader"
    listed = await platform.client.get(
        "/api/v1/notifications", params={"limit": 500}, headers=bearer(platform, Role.OFFICE)
    )
    office = listed.json()["items"]
    unknown = [n for n in office if n["event_type"] == "unknown-recipient"]
    assert unknown, "the office learns that the leader could not be told"
