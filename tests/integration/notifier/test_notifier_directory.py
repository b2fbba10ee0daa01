"""The notifier's directory: units and people from `unit-updated`, channels per unit and per person."""

from __future__ import annotations

import uuid

import pytest
from integration.notifier.notifier_support import (
    bearer,
    contact,
    make_account,
    make_unit,
    person_id,
    put_matching,
)

from gongjian_shared.auth import Role
from support.platform import Platform

pytestmark = pytest.mark.asyncio

PREFS = "/api/v1/notification-preferences"


async def test_unit_channels_default_then_set_by_the_office(platform: Platform) -> None:
    unit = await make_unit(platform, "目录测试局", [contact("liaison", "张联络", email="zhang@example.cn")])
    url = f"{PREFS}/units/{unit['id']}"
    before = await platform.client.get(url)
    assert before.status_code == 200, before.text
    assert before.json()["effective_channels"] == ["inbox", "email"]
    assert before.json()["channels"] is None

    response = await put_matching(
        platform,
        url,
        json={
            "channels": ["email", "dingtalk"],
            "dingtalk_webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=t",
            "dingtalk_secret": "SEC-secret",
            "digest": False,
            "escalate_after_hours": 4,
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["effective_channels"] == ["inbox", "email", "dingtalk"]
    assert body["dingtalk_secret_set"] is True
    assert "SEC-secret" not in response.text
    assert body["escalate_after_hours"] == 4

    kept = await put_matching(
        platform,
        url,
        json={
            "channels": ["dingtalk"],
            "dingtalk_webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=t",
        },
    )
    assert kept.json()["dingtalk_secret_set"] is True, "an omitted secret is kept"


async def test_a_robot_channel_without_its_url_is_refused_and_nothing_changes(platform: Platform) -> None:
    unit = await make_unit(platform, "无机器人局", [contact("liaison", "李联络")])
    url = f"{PREFS}/units/{unit['id']}"
    response = await put_matching(platform, url, json={"channels": ["inbox", "email", "wecom"]})
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "/problems/channel-unavailable"
    assert problem["errors"][0]["field"] == "channels.2"
    assert "企业微信" in problem["errors"][0]["message_zh"]
    assert (await platform.client.get(url)).json()["channels"] is None

    bad_name = await put_matching(platform, url, json={"channels": ["fax"]})
    assert bad_name.status_code == 422
    assert bad_name.json()["errors"][0]["field"] == "body.channels.0"
    # a channel named twice is named once (the list is a set)
    twice = await put_matching(platform, url, json={"channels": ["email", "email"]})
    assert twice.status_code == 200 and twice.json()["channels"] == ["email"]


async def test_unknown_unit_and_person_are_404(platform: Platform) -> None:
    assert (await platform.client.get(f"{PREFS}/units/{uuid.uuid4()}")).status_code == 404
    missing = await put_matching(platform, f"{PREFS}/people/{uuid.uuid4()}", json={"channels": ["inbox"]})
    assert missing.status_code == 404
    assert missing.json()["type"] == "/problems/person-not-found"


async def test_a_linked_person_sets_their_own_channels_and_nobody_else_may(platform: Platform) -> None:
    unit = await make_unit(
        platform,
        "个人偏好局",
        [contact("liaison", "王联络", phone="13800000001"), contact("leader", "赵局长")],
    )
    unit_id = uuid.UUID(unit["id"])
    wang = person_id(unit, "王联络")
    reporter = bearer(platform, Role.REPORTER, unit_id=unit_id)
    refused = await put_matching(
        platform, f"{PREFS}/people/{wang}", json={"channels": ["sms"]}, headers=reporter
    )
    assert refused.status_code == 403, "the unit's people see the person but may not set their channels"

    account = await make_account(platform, Role.REPORTER, unit_id=unit_id, contact_ids=(wang,))
    own = bearer(platform, Role.REPORTER, user_id=account.account_id, unit_id=unit_id)
    response = await put_matching(platform, f"{PREFS}/people/{wang}", json={"channels": ["sms"]}, headers=own)
    assert response.status_code == 200, response.text
    assert response.json()["effective_channels"] == ["inbox", "sms"]
    assert response.json()["user_id"] == str(account.account_id)
    assert response.json()["username"] == account.username
    mine = await platform.client.get(f"{PREFS}/me", headers=own)
    assert [p["name"] for p in mine.json()["items"]] == ["王联络"]
    assert mine.json()["items"][0]["has_phone"] is True

    liaison = bearer(platform, Role.LIAISON, unit_id=unit_id)
    zhao = person_id(unit, "赵局长")
    assert (
        await put_matching(platform, f"{PREFS}/people/{zhao}", json={"channels": ["inbox"]}, headers=liaison)
    ).status_code == 403, "a person's own channels: the office or the person, not the unit's liaison"
    assert (await platform.client.get(f"{PREFS}/people/{zhao}", headers=own)).status_code == 403
    office = await put_matching(platform, f"{PREFS}/people/{zhao}", json={"channels": ["inbox"]})
    assert office.status_code == 200, office.text


async def test_a_unit_liaison_may_set_the_units_channels_and_its_reporter_only_see_them(
    platform: Platform,
) -> None:
    unit = await make_unit(platform, "联络员自设局", [contact("liaison", "钱联络")])
    liaison = bearer(platform, Role.LIAISON, unit_id=uuid.UUID(unit["id"]))
    mine = await put_matching(
        platform, f"{PREFS}/units/{unit['id']}", json={"channels": ["inbox"]}, headers=liaison
    )
    assert mine.status_code == 200, mine.text
    unit_admin = bearer(platform, Role.UNIT_ADMIN, unit_id=uuid.UUID(unit["id"]))
    admin_set = await put_matching(
        platform, f"{PREFS}/units/{unit['id']}", json={"channels": ["inbox", "email"]}, headers=unit_admin
    )
    assert admin_set.status_code == 200, admin_set.text
    reporter = bearer(platform, Role.REPORTER, unit_id=uuid.UUID(unit["id"]))
    assert (await platform.client.get(f"{PREFS}/units/{unit['id']}", headers=reporter)).status_code == 200
    not_liaison = await put_matching(
        platform, f"{PREFS}/units/{unit['id']}", json={"channels": ["inbox"]}, headers=reporter
    )
    assert not_liaison.status_code == 403


async def test_another_units_directory_and_preferences_answer_404_to_a_liaison(platform: Platform) -> None:
    unit = await make_unit(platform, "甲目录局", [contact("liaison", "甲联络")])
    other = await make_unit(platform, "乙目录局", [contact("liaison", "乙联络", email="yi@example.cn")])
    liaison = bearer(platform, Role.LIAISON, unit_id=uuid.UUID(unit["id"]))
    theirs = f"{PREFS}/units/{other['id']}"
    their_person = f"{PREFS}/people/{person_id(other, '乙联络')}"
    for response in (
        await platform.client.get(theirs, headers=liaison),
        await put_matching(platform, theirs, json={"channels": ["inbox"]}, headers=liaison),
    ):
        assert response.status_code == 404, response.text
        assert response.json()["type"] == "/problems/unit-not-found"
    for response in (
        await platform.client.get(their_person, headers=liaison),
        await put_matching(platform, their_person, json={"channels": ["inbox"]}, headers=liaison),
    ):
        assert response.status_code == 404, response.text
        assert response.json()["type"] == "/problems/person-not-found"
    office = (await platform.client.get(theirs)).json()
    assert office["channels"] is None, "nothing changed"
    assert (await platform.client.get(their_person)).json()["channels"] is None
