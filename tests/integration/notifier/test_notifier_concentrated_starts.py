"""Quarterly concentrated starts (季度集中开工) reach people: each unit with projects in the declared batch is asked
to confirm its own projects, and the office hears each unit's answer (a declined one with its reason)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from integration.notifier.notifier_support import bearer, contact, make_account, make_unit, person_id
from integration.projects.registry_support import account, register

from gongjian_shared.auth import Role
from gongjian_shared.clock import SHANGHAI, FrozenClock
from support.platform import Platform, eventually, platform_settings, running_platform

pytestmark = pytest.mark.asyncio

URL = "/api/v1/concentrated-starts"
DECLARED = "【集中开工预告】2019年第3季度集中开工：请确认{count}个项目"


@pytest.fixture
async def platform(database_url: str) -> AsyncIterator[Platform]:
    clock = FrozenClock(datetime(2019, 7, 5, 9, tzinfo=SHANGHAI))
    settings = platform_settings(database_url, overrides={"projects-api": {"scheduler_enabled": False}})
    async with running_platform(settings, clock=clock) as running:
        await running.login()
        yield running


async def unit_with_liaison(platform: Platform, name: str) -> tuple[dict[str, Any], dict[str, str]]:
    """A unit whose liaison signs in with an account linked to the liaison's contact."""
    liaison_name = f"{name}联络员"
    unit = await make_unit(platform, name, [contact("liaison", liaison_name)])
    liaison = await make_account(
        platform, Role.LIAISON, unit_id=unit["id"], contact_ids=(person_id(unit, liaison_name),)
    )
    headers = bearer(platform, Role.LIAISON, unit_id=uuid.UUID(unit["id"]), user_id=liaison.account_id)
    return unit, headers


async def inbox(platform: Platform, headers: dict[str, str]) -> dict[str, str]:
    """The caller's inbox items, title to body."""
    response = await platform.client.get("/api/v1/inbox", headers=headers)
    assert response.status_code == 200, response.text
    return {item["title"]: item["body"] for item in response.json()["items"]}


async def wait_for_item(platform: Platform, headers: dict[str, str], title: str) -> str:
    async def arrived() -> bool:
        return title in await inbox(platform, headers)

    await eventually(arrived, what=f"{title} in the inbox")
    return (await inbox(platform, headers))[title]


async def test_the_units_are_asked_to_confirm_and_the_office_hears_their_answers(platform: Platform) -> None:
    east, east_liaison = await unit_with_liaison(platform, "集中开工东局")
    west, west_liaison = await unit_with_liaison(platform, "集中开工西局")
    first = await register(platform, east["id"], name="东局甲", planned_start="2019-09-01")
    second = await register(platform, east["id"], name="东局乙", planned_start="2019-09-01")
    third = await register(platform, west["id"], name="西局丙", planned_start="2019-09-01")
    body = {
        "year": 2019,
        "quarter": 3,
        "planned_on": "2019-09-18",
        "event": "全市三季度重点项目集中开工活动",
        "notice": "请于9月10日前确认开工准备情况",
        "project_ids": [first["id"], second["id"], third["id"]],
    }
    declared = await platform.client.post(URL, json=body)
    assert declared.status_code == 201, declared.text
    start_id = declared.json()["id"]

    east_body = await wait_for_item(platform, east_liaison, DECLARED.format(count=2))
    assert "东局甲" in east_body and "东局乙" in east_body and "西局丙" not in east_body
    assert "全市三季度重点项目集中开工活动" in east_body and "2019年9月18日" in east_body
    assert f"/concentrated-starts/{start_id}" in east_body
    west_body = await wait_for_item(platform, west_liaison, DECLARED.format(count=1))
    assert "西局丙" in west_body and "东局甲" not in west_body
    office = bearer(platform, Role.OFFICE)
    assert not any(t.startswith("【集中开工预告】") for t in await inbox(platform, office))

    projects = f"{URL}/{start_id}/projects"
    east_reporter = await account(platform, [Role.REPORTER], east["id"])
    west_reporter = await account(platform, [Role.REPORTER], west["id"])
    confirmed = await platform.client.post(f"{projects}/{first['id']}/confirm", headers=east_reporter.headers)
    assert confirmed.status_code == 200, confirmed.text
    declined = await platform.client.post(
        f"{projects}/{third['id']}/decline",
        json={"reason": "施工许可证未办结"},
        headers=west_reporter.headers,
    )
    assert declined.status_code == 200, declined.text

    yes = await wait_for_item(platform, office, "【集中开工确认】集中开工东局确认参加2019年第3季度集中开工")
    assert f"/concentrated-starts/{start_id}" in yes
    no = await wait_for_item(platform, office, "【集中开工确认】集中开工西局不能参加2019年第3季度集中开工")
    assert "施工许可证未办结" in no
    assert not any(t.startswith("【集中开工确认】") for t in await inbox(platform, east_liaison))
