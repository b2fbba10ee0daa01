"""A red alert from projects-api's early warning reaches the project's own leader (包抓领导) in their inbox,
whatever order the notifier's two consumer groups read the link and the alert in.

The `directory` group stores the account link (`account-updated`), the `notifications` group plans the alert
(`project-behind-schedule`); each reads projects-api's log at its own pace. The tests hold the directory group
back (its position row locked, as a slow or busy consumer would be) so the alert is planned before the link is
stored, then let it go: the leader's inbox must get the alert (`notifications/late_links.py`).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import pytest
from integration.notifier.notifier_support import bearer
from integration.projects.registry_support import events, register, unit_ids
from sqlalchemy import select, text

from gongjian_notifier.models import Notification
from gongjian_shared.auth import Role
from gongjian_shared.bus.embedded import EmbeddedConsumerRunner
from gongjian_shared.clock import SHANGHAI, FrozenClock
from support.platform import Platform, eventually, platform_settings, running_platform

pytestmark = pytest.mark.asyncio

PROJECT = "月河大桥"
ALERT = f"【预警】{PROJECT}进度滞后于序时进度"


@pytest.fixture
async def platform(database_url: str) -> AsyncIterator[Platform]:
    """The platform on the embedded bus, at the end of May 2019 (the scheduler quiet: the test acts)."""
    clock = FrozenClock(datetime(2019, 5, 28, 10, tzinfo=SHANGHAI))
    settings = platform_settings(database_url, overrides={"projects-api": {"scheduler_enabled": False}})
    async with running_platform(settings, clock=clock) as running:
        await running.login()
        yield running


@asynccontextmanager
async def directory_held(platform: Platform) -> AsyncIterator[None]:
    """The notifier's `directory` group reads nothing until this ends, as a busy or slow consumer would not.

    (Not by holding a lock in an open transaction: the embedded consumers read only rows older than every
    running transaction, so that would hold back every group, the notifications group too.)
    """
    bus = platform.context("notifier").bus
    assert bus is not None
    [runner] = [r for r in bus.consumers if r.subscription.group_id.endswith("notifier.directory")]
    assert isinstance(runner, EmbeddedConsumerRunner)
    released = asyncio.Event()
    read_batch = runner._read_batch

    async def held(source: str) -> bool:
        await released.wait()
        return await read_batch(source)

    runner._read_batch = held  # type: ignore[method-assign]
    try:
        yield
    finally:
        released.set()
        del runner._read_batch


async def leader_account(platform: Platform, username: str) -> str:
    created = await platform.client.post(
        "/api/v1/accounts",
        json={"username": username, "display_name": "王副市长", "unit_id": None, "roles": ["leader"]},
    )
    assert created.status_code == 201, created.text
    account_id: str = created.json()["id"]
    return account_id


async def new_leader(platform: Platform) -> str:
    response = await platform.client.post("/api/v1/leaders", json={"name": "王副市长", "level": "city"})
    assert response.status_code == 201, response.text
    leader_id: str = response.json()["id"]
    return leader_id


async def link(platform: Platform, leader_id: str, account_id: str) -> None:
    response = await platform.client.put(f"/api/v1/leaders/{leader_id}/account", json={"user_id": account_id})
    assert response.status_code == 200, response.text


async def set_thresholds(platform: Platform) -> None:
    """The office's warning thresholds for 2019 (stricter than the defaults)."""
    url = "/api/v1/early-warning/thresholds/2019"
    current = await platform.client.get(url)
    changed = await platform.client.put(
        url,
        json={"yellow_points": "5", "red_points": "12"},
        headers={"If-Match": current.headers["etag"]},
    )
    assert changed.status_code == 200, changed.text


async def turn_red(platform: Platform, leader_id: str) -> dict[str, Any]:
    """A project of the leader reports far behind its plan, the office accepts it and runs the early warning."""
    units = await unit_ids(platform)
    project = await register(platform, units["汉阴县"], name=PROJECT, leader_ids=[leader_id])
    body = {
        "year": 2019,
        "month": 5,
        "completed_10k": "300",
        "cumulative_10k": "300",
        "physical_progress": "征地拆迁未完成",
        "image_progress_percent": "5",
    }
    report = await platform.client.post(f"/api/v1/projects/{project['id']}/progress-reports", json=body)
    assert report.status_code == 201, report.text
    accepted = await platform.client.post(f"/api/v1/progress-reports/{report.json()['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    evaluated = await platform.client.post("/api/v1/early-warning/2019/5/evaluate")
    assert evaluated.status_code == 200, evaluated.text
    [red] = await events(platform, "project-behind-schedule")
    assert (red["project_id"], red["colour"], red["leader_ids"]) == (project["id"], "red", [leader_id])
    return red


async def to_leaders(platform: Platform) -> list[Notification]:
    """The alert's notifications to the leaders themselves (not the unit's)."""
    async with platform.context("notifier").sessionmaker() as session:
        query = select(Notification).where(
            Notification.event_type == "project-behind-schedule", Notification.key.like("%:leaders-%")
        )
        return list((await session.execute(query)).scalars())


async def wait_for_alert_planned(platform: Platform) -> Notification:
    async def planned() -> bool:
        return bool(await to_leaders(platform))

    await eventually(planned, what="the alert planned for the leaders")
    [notification] = await to_leaders(platform)
    return notification


async def inbox_titles(platform: Platform, account_id: str) -> list[str]:
    headers = bearer(platform, Role.LEADER, user_id=uuid.UUID(account_id))
    response = await platform.client.get("/api/v1/inbox", headers=headers)
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


async def wait_for_inbox(platform: Platform, account_id: str) -> None:
    async def arrived() -> bool:
        return ALERT in await inbox_titles(platform, account_id)

    await eventually(arrived, what="the red alert in the leader's inbox")


async def test_a_leader_linked_first_gets_the_alert_planned_before_the_notifier_stored_the_link(
    platform: Platform,
) -> None:
    await set_thresholds(platform)
    account_id = await leader_account(platform, "wang-leader")
    leader_id = await new_leader(platform)
    async with directory_held(platform):
        await link(platform, leader_id, account_id)
        await turn_red(platform, leader_id)
        # the alert is planned while the notifier does not know the link yet: nobody to tell for now
        planned = await wait_for_alert_planned(platform)
        assert planned.status == "unrouted"
        assert await inbox_titles(platform, account_id) == []
    await wait_for_inbox(platform, account_id)
    [routed] = await to_leaders(platform)
    assert (routed.id, routed.status, routed.error) == (planned.id, "active", None)
    assert await inbox_titles(platform, account_id) == [ALERT], "once"
    other = await leader_account(platform, "zhao-leader")
    assert await inbox_titles(platform, other) == [], "another leader hears nothing"


async def test_a_leader_given_an_account_after_the_alert_finds_it_in_the_inbox(platform: Platform) -> None:
    await set_thresholds(platform)
    leader_id = await new_leader(platform)
    await turn_red(platform, leader_id)
    planned = await wait_for_alert_planned(platform)
    assert planned.status == "unrouted", "the leader has no account yet"

    account_id = await leader_account(platform, "wang-leader")
    await link(platform, leader_id, account_id)
    await wait_for_inbox(platform, account_id)
    [routed] = await to_leaders(platform)
    assert routed.status == "active"
    # the account changes again (a new name): the alert is not delivered twice
    url = f"/api/v1/accounts/{account_id}"
    etag = (await platform.client.get(url)).headers["etag"]
    renamed = await platform.client.patch(url, json={"display_name": "王市长"}, headers={"If-Match": etag})
    assert renamed.status_code == 200, renamed.text

    async def renamed_in_replica() -> bool:
        async with platform.context("notifier").sessionmaker() as session:
            name = await session.scalar(
                text("SELECT display_name FROM notifier.accounts WHERE account_id = :id"),
                {"id": uuid.UUID(account_id)},
            )
        return name == "王市长"

    await eventually(renamed_in_replica, what="the renamed account in the notifier's replica")
    assert await inbox_titles(platform, account_id) == [ALERT]
