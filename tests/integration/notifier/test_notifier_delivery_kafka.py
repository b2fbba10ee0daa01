"""Fed by the real Kafka broker, to a real SMTP server and a real HTTP receiver: who gets what, once; faults.

One platform serves the module (each test has its own units, addresses and robot paths), to keep it quick.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from integration.notifier.notifier_sinks import HttpSink, SmtpSink
from integration.notifier.notifier_support import (
    WORKDAY_MORNING,
    bearer,
    contact,
    delivery_rows,
    make_account,
    make_unit,
    notifier_settings,
    person_id,
    publish,
    put_matching,
    wait_for_notifications,
    wait_until_settled,
)
from pydantic import SecretStr

from gongjian.infra.kafka import KafkaBroker
from gongjian_notifier.models import Delivery, Notification
from gongjian_notifier.settings import SmsSettings, WebhookSettings
from gongjian_shared.auth import Role
from gongjian_shared.clock import FrozenClock
from gongjian_shared.events.projects import (
    ProgressReportDue,
    ProgressReportReturned,
    ProjectBehindSchedule,
    ProjectRemovedFromPlan,
    UnitContact,
    UnitOwing,
)
from support.platform import Platform, eventually, platform_settings, running_platform
from support.servers import PostgresForTests

pytestmark = [pytest.mark.asyncio, pytest.mark.kafka]

OFFICE = "office@ankang.gov.cn"
PREFS = "/api/v1/notification-preferences"


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
async def http() -> AsyncIterator[HttpSink]:
    sink = HttpSink()
    await sink.start()
    yield sink
    await sink.stop()


@pytest.fixture(scope="module")
async def kplatform(
    postgres: PostgresForTests, kafka: KafkaBroker, smtp: SmtpSink, http: HttpSink, tmp_path_factory: Any
) -> AsyncIterator[Platform]:
    templates: Path = tmp_path_factory.mktemp("templates")
    (templates / "project-removed-from-plan.j2").write_text(
        "{% block title %}【计划调整】{{ project_title_that_does_not_exist }}{% endblock %}{% block body %}{% endblock %}"
    )
    notifier = notifier_settings(
        smtp.port,
        templates_dir=templates,
        wecom=WebhookSettings(timeout_seconds=0.5),
        dingtalk=WebhookSettings(timeout_seconds=0.5),
        sms=SmsSettings(url=f"{http.base_url}/sms", auth_value=SecretStr("Bearer sms-token")),
    )
    url = postgres.fresh_database()
    settings = platform_settings(
        url, bus="kafka", kafka_bootstrap=kafka.bootstrap_servers, overrides={"notifier": notifier}
    )
    async with running_platform(settings, clock=FrozenClock(WORKDAY_MORNING)) as running:
        await running.login()
        yield running
    postgres.drop(url)


def owing(unit: dict[str, Any], *liaisons: str) -> UnitOwing:
    return UnitOwing(
        unit_id=uuid.UUID(unit["id"]),
        unit_name=unit["name"],
        liaisons=tuple(
            UnitContact(person_id=person_id(unit, name), role="liaison", name=name) for name in liaisons
        ),
        project_ids=(uuid.uuid4(), uuid.uuid4()),
    )


def due(*units: UnitOwing) -> ProgressReportDue:
    return ProgressReportDue(
        year=2024, month=9, window_closes_at=WORKDAY_MORNING.replace(hour=17, minute=30), units=units
    )


async def set_unit(platform: Platform, unit: dict[str, Any], body: dict[str, Any]) -> None:
    response = await put_matching(platform, f"{PREFS}/units/{unit['id']}", json=body)
    assert response.status_code == 200, response.text


def office_mail(smtp: SmtpSink, marker: str) -> list[Any]:
    return [mail for mail in smtp.to(OFFICE) if marker in mail.subject + mail.text]


async def test_each_expected_message_arrives_once_with_the_right_text_to_the_right_people(
    kplatform: Platform, smtp: SmtpSink, http: HttpSink
) -> None:
    platform = kplatform
    hanbin = await make_unit(
        platform,
        "甲县",
        [
            contact("liaison", "甲一", email="a1@jia.gov.cn", im_id="jia-yi"),
            contact("liaison", "甲二", email="a2@jia.gov.cn", phone="13800000002"),
            contact("leader", "甲县长", email="head@jia.gov.cn"),
        ],
        kind="county",
    )
    yiju = await make_unit(
        platform, "乙局", [contact("liaison", "乙一", email="b1@yi.gov.cn", phone="13900000001")]
    )
    await set_unit(
        platform,
        hanbin,
        {"channels": ["email", "wecom", "sms"], "wecom_webhook_url": f"{http.base_url}/wecom-jia"},
    )
    await set_unit(
        platform,
        yiju,
        {
            "channels": ["email", "dingtalk"],
            "dingtalk_webhook_url": f"{http.base_url}/ding-yi?access_token=t",
            "dingtalk_secret": "SECyi",
        },
    )
    jia1 = await make_account(
        platform, Role.LIAISON, unit_id=hanbin["id"], contact_ids=(person_id(hanbin, "甲一"),)
    )
    account = jia1.account_id

    due_id = await publish(platform, due(owing(hanbin, "甲一", "甲二"), owing(yiju, "乙一")), key="2024-09")
    behind = ProjectBehindSchedule(
        project_id=uuid.uuid4(),
        project_name="乙局物流园",
        unit_id=uuid.UUID(yiju["id"]),
        year=2024,
        month=9,
        completion_share_percent=41,
        benchmark_percent=75,
        colour="red",
        reason="资金未到位",
    )
    behind_id = await publish(platform, behind, key=str(behind.project_id))
    await wait_for_notifications(platform, due_id, 2)
    await wait_for_notifications(platform, behind_id)
    await wait_until_settled(platform)

    due_subject = "【催报】2024年9月重点项目进度尚未报送"
    for address in ("a1@jia.gov.cn", "a2@jia.gov.cn"):
        [mail] = smtp.to(address)
        assert mail.subject == due_subject
        assert mail.text.startswith("甲县：\n贵单位尚有 2 个重点项目未报送2024年9月进度")
        assert "http://front.test/progress-reports?year=2024&month=9" in mail.text
    assert sorted(m.subject for m in smtp.to("b1@yi.gov.cn")) == sorted(
        [due_subject, "【预警】乙局物流园进度滞后于序时进度"]
    )
    assert smtp.to("head@jia.gov.cn") == []

    wecom = http.at("/wecom-jia")
    assert len(wecom) == 2 and len({r.headers["x-gongjian-delivery"] for r in wecom}) == 2
    assert sum("<@jia-yi>" in r.json()["markdown"]["content"] for r in wecom) == 1
    [sms] = [r for r in http.at("/sms") if r.json()["phone"] == "13800000002"]
    assert sms.headers["authorization"] == "Bearer sms-token"
    assert sms.json()["text"].startswith(due_subject)
    ding = http.at("/ding-yi")
    assert len(ding) == 2
    for request in ding:
        stamp = request.query["timestamp"]
        digest = hmac.new(b"SECyi", f"{stamp}\nSECyi".encode(), hashlib.sha256).digest()
        assert request.query["sign"] == base64.b64encode(digest).decode()
        assert request.json()["at"]["atMobiles"] == ["13900000001"]

    [no_phone] = await delivery_rows(platform, Delivery.channel == "sms", Delivery.recipient_name == "甲一")
    assert no_phone.Delivery.status == "failed" and "没有手机号" in no_phone.Delivery.last_error
    own = bearer(platform, Role.LIAISON, user_id=account)
    inbox = (await platform.client.get("/api/v1/inbox", headers=own)).json()
    assert [item["title"] for item in inbox["items"]] == [due_subject]
    counts = (await platform.client.get("/api/v1/inbox/unread-count", headers=own)).json()
    assert counts == {"unread": 1, "awaiting_ack": 1}


async def test_an_smtp_server_refusing_a_mailbox_fails_that_one_for_good_with_its_words(
    kplatform: Platform, smtp: SmtpSink
) -> None:
    smtp.refused.add("ghost@bing.gov.cn")
    unit = await make_unit(
        kplatform,
        "丙局",
        [
            contact("liaison", "丙幽灵", email="ghost@bing.gov.cn"),
            contact("liaison", "丙二", email="b2@bing.gov.cn"),
        ],
    )
    event_id = await publish(kplatform, due(owing(unit)), key="2024-09-bing")
    await wait_for_notifications(kplatform, event_id)
    await wait_until_settled(kplatform)
    assert len(smtp.to("b2@bing.gov.cn")) == 1
    audit = await kplatform.client.get(
        "/api/v1/notifications/deliveries",
        params={"unit_id": unit["id"], "channel": "email", "status": "failed"},
    )
    assert audit.status_code == 200, audit.text
    [failed] = audit.json()["items"]
    assert failed["recipient_name"] == "丙幽灵" and failed["attempts"] == 1
    assert "550" in failed["last_error"] and "User unknown" in failed["last_error"]


async def test_a_webhook_answering_500_then_200_and_one_that_hangs_are_each_delivered_once(
    kplatform: Platform, http: HttpSink
) -> None:
    http.script["/wecom-ding"] = [500]
    http.script["/wecom-wu"] = ["hang"]
    flaky = await make_unit(kplatform, "丁局", [contact("liaison", "丁一")])
    hangs = await make_unit(kplatform, "戊局", [contact("liaison", "戊一")])
    for unit, path in ((flaky, "/wecom-ding"), (hangs, "/wecom-wu")):
        await set_unit(
            kplatform, unit, {"channels": ["wecom"], "wecom_webhook_url": f"{http.base_url}{path}"}
        )
    event_id = await publish(kplatform, due(owing(flaky), owing(hangs)), key="2024-09-ding")
    await wait_for_notifications(kplatform, event_id, 2)
    await wait_until_settled(kplatform)
    rows = await delivery_rows(kplatform, Notification.event_id == event_id, Delivery.channel == "wecom")
    assert [(r.Delivery.status, r.Delivery.attempts) for r in rows] == [("delivered", 2), ("delivered", 2)]
    assert len(http.at("/wecom-ding")) == 2 and len(http.at("/wecom-wu")) == 2


async def test_a_template_error_holds_the_notification_tells_the_office_and_the_consumer_goes_on(
    kplatform: Platform, smtp: SmtpSink
) -> None:
    unit = await make_unit(kplatform, "己局", [contact("liaison", "己一", email="j1@ji.gov.cn")])
    removed = ProjectRemovedFromPlan(
        project_id=uuid.uuid4(),
        unit_id=uuid.UUID(unit["id"]),
        year=2024,
        removed_on=WORKDAY_MORNING.date(),
        reason="未能按期开工",
        approved_by="市政府",
    )
    removed_id = await publish(kplatform, removed, key=str(removed.project_id))
    returned = ProgressReportReturned(
        report_id=uuid.uuid4(),
        project_id=removed.project_id,
        unit_id=removed.unit_id,
        year=2024,
        month=9,
        reason="数据有误",
        returned_by_role="reviewer",
    )
    returned_id = await publish(kplatform, returned, key=str(removed.project_id))
    [held] = await wait_for_notifications(kplatform, removed_id)
    await wait_for_notifications(kplatform, returned_id)
    await wait_until_settled(kplatform)
    assert held.status == "held" and "project_title_that_does_not_exist" in (held.error or "")
    assert [m.subject for m in smtp.to("j1@ji.gov.cn")] == ["【退回】2024年9月进度报告被退回"]
    [report] = office_mail(smtp, str(removed_id))
    assert report.subject == "【模板错误】“project-removed-from-plan”的通知已暂停发送"
    listed = await kplatform.client.get("/api/v1/notifications", params={"status": "held"})
    assert [n["id"] for n in listed.json()["items"]] == [str(held.id)]


async def test_an_event_for_a_unit_with_no_liaison_or_an_unknown_unit_is_told_to_the_office(
    kplatform: Platform, smtp: SmtpSink
) -> None:
    empty = await make_unit(kplatform, "庚局", [contact("leader", "庚局长", email="head@geng.gov.cn")])
    stranger = UnitOwing(unit_id=uuid.uuid4(), unit_name="不存在的局")
    event_id = await publish(kplatform, due(owing(empty), stranger), key="2024-09-geng")
    await wait_for_notifications(kplatform, event_id)
    await eventually(lambda: _office_has(smtp, "庚局", "不存在的局"), what="the office told of both")
    [no_liaison] = office_mail(smtp, "庚局")
    assert no_liaison.subject == "【无人接收】庚局未设联络员：【催报】2024年9月重点项目进度尚未报送"
    [unknown] = office_mail(smtp, "不存在的局")
    assert unknown.subject == "【无法送达】事件涉及的单位或人员不在通知目录中"
    assert smtp.to("head@geng.gov.cn") == [], "heads hear only on escalation"


async def _office_has(smtp: SmtpSink, *markers: str) -> bool:
    return all(office_mail(smtp, marker) for marker in markers)


async def test_the_office_audits_and_exports_deliveries_and_nobody_else_may(
    kplatform: Platform, smtp: SmtpSink
) -> None:
    unit = await make_unit(kplatform, "辛局", [contact("liaison", "辛一", email="x1@xin.gov.cn")])
    event_id = await publish(kplatform, due(owing(unit)), key="2024-09-xin")
    await wait_for_notifications(kplatform, event_id)
    await wait_until_settled(kplatform)
    params = {"unit_id": unit["id"]}
    audit = (await kplatform.client.get("/api/v1/notifications/deliveries", params=params)).json()
    assert {(i["channel"], i["status"]) for i in audit["items"]} == {
        ("inbox", "delivered"),
        ("email", "delivered"),
    }
    export = await kplatform.client.get("/api/v1/notifications/deliveries.xlsx", params=params)
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("创建时间", "事件类型", "标题") and len(rows) == 3
    assert {row[7] for row in rows[1:]} == {"站内信", "邮件"} and {row[9] for row in rows[1:]} == {"已送达"}

    liaison = bearer(kplatform, Role.LIAISON, unit_id=uuid.UUID(unit["id"]))
    refused = await kplatform.client.get("/api/v1/notifications/deliveries", params=params, headers=liaison)
    assert refused.status_code == 403
    backwards = await kplatform.client.get(
        "/api/v1/notifications/deliveries",
        params={"since": "2024-10-09T00:00:00+08:00", "until": "2024-10-08T00:00:00+08:00"},
    )
    # a window that ends before it starts selects nothing; an offset-less time is refused by its type
    assert backwards.status_code == 200 and backwards.json()["total"] == 0
    naive = await kplatform.client.get(
        "/api/v1/notifications/deliveries", params={"since": "2024-10-09T00:00:00"}
    )
    assert naive.status_code == 422 and naive.json()["errors"][0]["field"] == "query.since"
    bad_channel = await kplatform.client.get("/api/v1/notifications/deliveries", params={"channel": "fax"})
    assert bad_channel.status_code == 422 and bad_channel.json()["errors"][0]["field"] == "query.channel"
