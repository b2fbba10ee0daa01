"""Robot and SMS gateway URLs reach no intranet address: refused when set (422, nothing stored) and, when one
is in the database already, the delivery fails at send time without a request; every change is recorded."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from integration.notifier.notifier_sinks import HttpSink
from integration.notifier.notifier_support import (
    WORKDAY_MORNING,
    contact,
    delivery_rows,
    make_unit,
    notifier_worker,
    publish,
    put_matching,
    wait_for_notifications,
)
from sqlalchemy import select, text

from gongjian_notifier.models import Delivery, PreferenceChange
from gongjian_notifier.outbound import url_refusal
from gongjian_notifier.settings import (
    DeliverySettings,
    DingTalkSettings,
    NotifierSettings,
    SmsSettings,
    WeComSettings,
)
from gongjian_shared.auth import Principal, Role
from gongjian_shared.clock import FrozenClock
from gongjian_shared.events.projects import ProgressReportReturned
from support.platform import Platform, bearer_headers, platform_settings, running_platform

PREFS = "/api/v1/notification-preferences/units/{}"
WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdefgh12345678"
# allow-listed on purpose, to prove that the address check holds even for an allowed host
INTRANET_HOSTS = ("localhost", "10.1.2.3", "169.254.169.254")


def allow_intranet_hosts(**changes: Any) -> dict[str, Any]:
    return {
        "wecom": WeComSettings(allowed_hosts=("qyapi.weixin.qq.com", *INTRANET_HOSTS)),
        "dingtalk": DingTalkSettings(allowed_hosts=("oapi.dingtalk.com", *INTRANET_HOSTS)),
        **changes,
    }


@pytest.fixture
async def intranet_listed(database_url: str) -> AsyncIterator[Platform]:
    """Default outbound rules, but intranet host names on the robots' allow-lists."""
    settings = platform_settings(database_url, overrides={"notifier": allow_intranet_hosts()})
    async with running_platform(settings) as running:
        await running.login()
        yield running


async def changes_of(platform: Platform, unit_id: str) -> list[PreferenceChange]:
    async with platform.context("notifier").sessionmaker() as session:
        query = select(PreferenceChange).where(PreferenceChange.unit_id == uuid.UUID(unit_id))
        return list((await session.execute(query.order_by(PreferenceChange.id))).scalars())


async def assert_refused(platform: Platform, unit_id: str, body: dict[str, Any], field: str) -> None:
    response = await platform.client.put(PREFS.format(unit_id), json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"].endswith("outbound-url-refused")
    assert [error["field"] for error in problem["errors"]] == [field]
    stored = (await platform.client.get(PREFS.format(unit_id))).json()
    assert stored["wecom_webhook_url"] is None and stored["dingtalk_webhook_url"] is None
    assert stored["channels"] is None
    assert await changes_of(platform, unit_id) == []


async def test_http_and_hosts_off_the_allow_list_are_refused_when_set(platform: Platform) -> None:
    unit = await make_unit(platform, "外发地址局", [contact("liaison", "周联络")])
    refused = {
        "wecom_webhook_url": [
            "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            "https://127.0.0.1:8000/api/v1/auth/token",
            "https://localhost/cgi-bin/webhook/send",
            "https://qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send",
            "https://user:pw@qyapi.weixin.qq.com/cgi-bin/webhook/send",
        ],
        "dingtalk_webhook_url": [
            "http://oapi.dingtalk.com/robot/send?access_token=t",
            "https://169.254.169.254/latest/meta-data/",
            "https://intranet.example.cn/robot/send",
        ],
    }
    for field, urls in refused.items():
        channel = "wecom" if field.startswith("wecom") else "dingtalk"
        for url in urls:
            await assert_refused(platform, unit["id"], {"channels": [channel], field: url}, field)


async def test_allow_listed_hosts_resolving_to_intranet_addresses_are_refused_when_set(
    intranet_listed: Platform,
) -> None:
    platform = intranet_listed
    unit = await make_unit(platform, "内网解析局", [contact("liaison", "吴联络")])
    for host in INTRANET_HOSTS:
        await assert_refused(
            platform,
            unit["id"],
            {"wecom_webhook_url": f"https://{host}/cgi-bin/webhook/send"},
            "wecom_webhook_url",
        )
        await assert_refused(
            platform,
            unit["id"],
            {"dingtalk_webhook_url": f"https://{host}:8443/robot/send"},
            "dingtalk_webhook_url",
        )


async def test_a_liaison_setting_a_robot_url_is_recorded_with_the_key_masked(platform: Platform) -> None:
    unit = await make_unit(platform, "记录局", [contact("liaison", "郑联络")])
    liaison = Principal(
        user_id=uuid.uuid4(),
        username="zheng",
        unit_id=uuid.UUID(unit["id"]),
        roles=frozenset({Role.LIAISON.value}),
    )
    headers = bearer_headers(platform, liaison)
    first = await put_matching(
        platform,
        PREFS.format(unit["id"]),
        json={"channels": ["wecom"], "wecom_webhook_url": WECOM},
        headers=headers,
    )
    assert first.status_code == 200, first.text
    second = await put_matching(
        platform,
        PREFS.format(unit["id"]),
        json={
            "channels": ["dingtalk"],
            "dingtalk_webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=tokentoken9876",
            "dingtalk_secret": "SEC-very-secret",
        },
    )
    assert second.status_code == 200, second.text

    changes = await changes_of(platform, unit["id"])
    recorded = [(c.field, c.old_value, c.new_value) for c in changes]
    assert recorded[:2] == [
        ("channels", None, "wecom"),
        ("wecom_webhook_url", None, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***5678"),
    ]
    assert {c.changed_by for c in changes[:2]} == {liaison.user_id}
    assert recorded[2:5] == [
        ("channels", "wecom", "dingtalk"),
        ("wecom_webhook_url", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***5678", None),
        ("dingtalk_webhook_url", None, "https://oapi.dingtalk.com/robot/send?access_token=***9876"),
    ]
    secret = recorded[5]
    assert secret[0] == "dingtalk_secret" and secret[1] is None and secret[2] is not None
    assert all("SEC-very-secret" not in str(value) and "abcdefgh" not in str(value) for value in recorded)
    assert all(c.changed_at is not None for c in changes)


@pytest.fixture
async def sending(database_url: str, http_sink: HttpSink) -> AsyncIterator[Platform]:
    """Default outbound rules (intranet names allow-listed), an SMS gateway on 127.0.0.1 as an operator could
    misconfigure it, and the delivery worker held back so that the test runs it."""
    notifier = allow_intranet_hosts(
        sms=SmsSettings(url=f"{http_sink.base_url}/sms"),
        delivery=DeliverySettings(run_worker=False, backoff_base_seconds=0, rate_per_second={}),
    )
    settings = platform_settings(database_url, overrides={"notifier": notifier})
    async with running_platform(settings, clock=FrozenClock(WORKDAY_MORNING)) as running:
        await running.login()
        yield running


async def test_a_stored_intranet_url_fails_the_delivery_at_send_time_without_a_request(
    sending: Platform, http_sink: HttpSink
) -> None:
    platform = sending
    robots = {
        "甲": ("wecom", f"{http_sink.base_url}/wecom"),
        "乙": ("wecom", f"https://localhost:{http_sink.port}/wecom"),
        "丙": ("dingtalk", f"https://10.1.2.3:{http_sink.port}/ding"),
    }
    units = {}
    for name, (channel, url) in robots.items():
        unit = await make_unit(
            platform, f"{name}发送局", [contact("liaison", f"{name}联络", phone="13800000001")]
        )
        ok = await put_matching(
            platform,
            PREFS.format(unit["id"]),
            json={
                "channels": [channel, "sms"],
                f"{channel}_webhook_url": WECOM
                if channel == "wecom"
                else "https://oapi.dingtalk.com/robot/send?access_token=t",
            },
        )
        assert ok.status_code == 200, ok.text
        async with platform.context("notifier").sessionmaker.begin() as session:
            await session.execute(
                text(
                    f"UPDATE notifier.unit_preferences SET {channel}_webhook_url = :url WHERE unit_id = :unit"
                ),
                {"url": url, "unit": uuid.UUID(unit["id"])},
            )
        units[name] = unit

    for unit in units.values():
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
    await notifier_worker(platform).deliver_due()

    pushes = await delivery_rows(platform, Delivery.channel.in_(("wecom", "dingtalk", "sms")))
    assert len(pushes) == 6
    for row in pushes:
        assert row.Delivery.status == "failed", (row.Delivery.channel, row.Delivery.address)
        assert "outbound URL refused" in (row.Delivery.last_error or "")
        assert row.Delivery.delivered_at is None
    assert http_sink.requests == [], "nothing reached the local sink"


def test_the_office_robots_and_the_sms_gateway_in_the_settings_follow_the_same_rule() -> None:
    for changes in (
        {"sms": SmsSettings(url="http://sms.example.cn/send")},
        {"office": {"wecom_webhook_url": "https://127.0.0.1/cgi-bin/webhook/send"}},
        {"office": {"dingtalk_webhook_url": "https://intranet.example.cn/robot/send"}},
    ):
        with pytest.raises(ValueError, match=r"https|host|address"):
            NotifierSettings(**changes)
    allowed = NotifierSettings(
        sms=SmsSettings(url="https://sms.example.cn/send"), office={"wecom_webhook_url": WECOM}
    )
    assert allowed.sms.url and allowed.office.wecom_webhook_url


def test_addresses_that_are_not_public_are_refused_in_every_spelling() -> None:
    for host in ("127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                 "0.0.0.0", "[::1]", "[fe80::1]", "[fc00::1]", "[::ffff:127.0.0.1]", "224.0.0.1"):  # fmt: skip
        assert url_refusal(f"https://{host}/x", None) is not None, host
    assert url_refusal("https://8.8.8.8/x", None) is None
