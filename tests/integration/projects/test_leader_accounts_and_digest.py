"""Leaders (包抓领导): the office changes the account a leader signs in with (audited and evented), and each
leader gets a monthly digest of their projects, once per leader and month."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from integration.notifier.notifier_support import bearer
from integration.projects.conftest import Clocked
from integration.projects.registry_support import account, assert_problem, count, events, register, unit_ids

from gongjian_projects.leaders.jobs import send_due_digests
from gongjian_shared.auth import Role
from support.platform import Platform, eventually

pytestmark = pytest.mark.asyncio


async def new_leader(platform: Platform, name: str, user_id: str | None = None) -> dict[str, Any]:
    body = {"name": name, "level": "city"} | ({"user_id": user_id} if user_id else {})
    response = await platform.client.post("/api/v1/leaders", json=body)
    assert response.status_code == 201, response.text
    leader: dict[str, Any] = response.json()
    return leader


async def link(platform: Platform, leader_id: str, user_id: str | None, headers: Any = None) -> Any:
    return await platform.client.put(
        f"/api/v1/leaders/{leader_id}/account", json={"user_id": user_id}, headers=headers
    )


async def audit(platform: Platform, account_id: str, action: str) -> list[dict[str, Any]]:
    response = await platform.client.get(
        "/api/v1/accounts/audit", params={"account_id": account_id, "action": action}
    )
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()["items"]
    return entries


async def account_links(platform: Platform, account_id: str) -> list[str | None]:
    """The leader link each `account-updated` of the account carried, oldest first."""
    return [
        e["links"]["leader_id"]
        for e in await events(platform, "account-updated")
        if e["account_id"] == account_id
    ]


async def test_the_office_changes_a_leaders_account(platform: Platform) -> None:
    units = await unit_ids(platform)
    old = await account(platform, [Role.LEADER])
    new = await account(platform, [Role.LEADER])
    leader = await new_leader(platform, "王副市长", old.user_id)
    other = await new_leader(platform, "赵副市长")
    project = await register(platform, units["宁陕县"], leader_ids=[leader["id"]])
    url = f"/api/v1/projects/{project['id']}"
    assert (await platform.client.get(url, headers=old.headers)).status_code == 200
    assert await account_links(platform, old.user_id) == [leader["id"]], "linked at creation, evented"

    assert (await link(platform, leader["id"], new.user_id, old.headers)).status_code == 403
    assert_problem(await link(platform, leader["id"], str(uuid.uuid4())), 404, "user_id", "exists")
    assert (await link(platform, str(uuid.uuid4()), new.user_id)).status_code == 404
    changed = await link(platform, leader["id"], new.user_id)
    assert changed.status_code == 200 and changed.json()["user_id"] == new.user_id, changed.text
    assert (await platform.client.get(url, headers=old.headers)).status_code == 404
    assert (await platform.client.get(url, headers=new.headers)).status_code == 200
    assert_problem(await link(platform, other["id"], new.user_id), 409, "user_id", "unique")

    [unlinked] = await audit(platform, old.user_id, "leader-unlinked")
    [linked] = await audit(platform, new.user_id, "leader-linked")
    assert unlinked["detail"]["leader_id"] == linked["detail"]["leader_id"] == leader["id"]
    assert linked["actor_id"] is not None
    assert await account_links(platform, old.user_id) == [leader["id"], None]
    assert await account_links(platform, new.user_id) == [leader["id"]]
    before = await count(platform, "SELECT count(*) FROM projects.outbox WHERE type = 'account-updated'")
    assert (await link(platform, leader["id"], new.user_id)).status_code == 200
    assert (
        await count(platform, "SELECT count(*) FROM projects.outbox WHERE type = 'account-updated'") == before
    )

    cleared = await link(platform, leader["id"], None)
    assert cleared.status_code == 200 and cleared.json()["user_id"] is None
    assert (await platform.client.get(url, headers=new.headers)).status_code == 404
    assert await account_links(platform, new.user_id) == [leader["id"], None]
    listed = (await platform.client.get("/api/v1/leaders")).json()
    assert [entry["user_id"] for entry in listed if entry["id"] == leader["id"]] == [None]


async def report_and_accept(platform: Platform, project_id: str, month: int, completed: str) -> None:
    body = {
        "year": 2019,
        "month": month,
        "completed_10k": completed,
        "cumulative_10k": completed,
        "physical_progress": "施工中",
        "image_progress_percent": "50",
    }
    report = await platform.client.post(f"/api/v1/projects/{project_id}/progress-reports", json=body)
    assert report.status_code == 201, report.text
    accepted = await platform.client.post(f"/api/v1/progress-reports/{report.json()['id']}/accept")
    assert accepted.status_code == 200, accepted.text


async def test_each_leader_gets_one_monthly_digest_of_their_projects(clocked: Clocked) -> None:
    platform = clocked.platform
    await clocked.at(2019, 5, 28, 10)
    units = await unit_ids(platform)
    created = await platform.client.post(
        "/api/v1/accounts",
        json={"username": "wang-leader", "display_name": "王副市长", "unit_id": None, "roles": ["leader"]},
    )
    assert created.status_code == 201, created.text
    account_id = created.json()["id"]
    leader = await new_leader(platform, "王副市长", account_id)
    idle = await new_leader(platform, "赵副市长")
    bridge = await register(platform, units["汉阴县"], name="月河大桥", leader_ids=[leader["id"]])
    await register(platform, units["石泉县"], name="石泉水厂", leader_ids=[leader["id"]])
    await register(platform, units["石泉县"], name="无人包抓项目")
    await register(platform, units["石泉县"], name="明年项目", year=2020, leader_ids=[leader["id"]])
    await report_and_accept(platform, bridge["id"], 5, "800")

    def run() -> Any:
        context = platform.context("projects-api")
        return send_due_digests(context.sessionmaker, context.outbox, clocked.clock)

    await clocked.at(2019, 6, 9, 23)
    assert await run() == 0, "May's digest waits for the 10th of June"
    await clocked.at(2019, 6, 10, 8)
    assert await run() == 1, "one leader has projects; the other gets none"
    assert await run() == 0
    [digest] = await events(platform, "leader-monthly-digest")
    assert (digest["leader_id"], digest["year"], digest["month"]) == (leader["id"], 2019, 5)
    rows = {p["name"]: p for p in digest["projects"]}
    assert set(rows) == {"月河大桥", "石泉水厂"}
    assert (rows["月河大桥"]["month_completed_10k"], rows["月河大桥"]["report_status"]) == (
        "800.00",
        "accepted",
    )
    assert (rows["石泉水厂"]["month_completed_10k"], rows["石泉水厂"]["report_status"]) == (None, None)
    assert rows["石泉水厂"]["planned_investment_10k"] == "12000.00"
    sql = "SELECT count(*) FROM projects.leader_digests WHERE leader_id = :leader"
    assert await count(platform, sql, leader=uuid.UUID(leader["id"])) == 1
    assert await count(platform, sql, leader=uuid.UUID(idle["id"])) == 0

    own = bearer(platform, Role.LEADER, user_id=uuid.UUID(account_id))
    title = "【包抓项目月报】王副市长：2019年5月"

    async def in_inbox() -> bool:
        response = await platform.client.get("/api/v1/inbox", headers=own)
        return any(item["title"] == title for item in response.json()["items"])

    await eventually(in_inbox, what="the digest in the leader's inbox")
    items = (await platform.client.get("/api/v1/inbox", headers=own)).json()["items"]
    [item] = [i for i in items if i["title"] == title]
    assert (
        "月河大桥" in item["body"]
        and "当月完成 800，累计完成 800" in item["body"]
        and "石泉水厂" in item["body"]
    )
    # the bridge turned red when its report was accepted: the alert names its leader (the notifier tells them)
    reds = await events(platform, "project-behind-schedule")
    assert [(e["project_name"], e["leader_ids"]) for e in reds] == [("月河大桥", [leader["id"]])]
    other_leader = bearer(platform, Role.LEADER)
    assert (await platform.client.get("/api/v1/inbox", headers=other_leader)).json()["items"] == []

    await clocked.at(2019, 7, 15, 9)
    assert await run() == 1, "June's digest"
    assert [(e["year"], e["month"]) for e in await events(platform, "leader-monthly-digest")] == [
        (2019, 5),
        (2019, 6),
    ]
