"""Access (item 13): reporters their unit, county reviewers their county, leaders their projects."""

from __future__ import annotations

import pytest
from integration.projects.registry_support import (
    account,
    assert_problem,
    count,
    project_body,
    register,
    unit_ids,
)

from gongjian_shared.auth import Role
from support.platform import Platform

pytestmark = pytest.mark.asyncio


async def listed(platform: Platform, headers: dict[str, str]) -> set[str]:
    response = await platform.client.get("/api/v1/projects", params={"limit": 500}, headers=headers)
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


async def test_a_reporter_sees_and_writes_only_its_own_unit(platform: Platform) -> None:
    units = await unit_ids(platform)
    reporter = await account(platform, [Role.REPORTER], units["宁陕县"])
    mine = await platform.client.post(
        "/api/v1/projects", json=project_body(units["宁陕县"]), headers=reporter.headers
    )
    assert mine.status_code == 201, mine.text
    theirs = await register(platform, units["紫阳县"])
    before = await count(platform, "SELECT count(*) FROM projects.projects")

    foreign = await platform.client.post(
        "/api/v1/projects", json=project_body(units["紫阳县"]), headers=reporter.headers
    )
    assert_problem(foreign, 403, "unit_id", "own-unit")
    hidden = await platform.client.get(f"/api/v1/projects/{theirs['id']}", headers=reporter.headers)
    assert hidden.status_code == 404
    patch = await platform.client.patch(
        f"/api/v1/projects/{theirs['id']}", json={"name": "x"}, headers=reporter.headers | {"If-Match": '"1"'}
    )
    assert patch.status_code == 404
    move = await platform.client.patch(
        f"/api/v1/projects/{mine.json()['id']}",
        json={"unit_id": units["紫阳县"]},
        headers=reporter.headers | {"If-Match": '"1"'},
    )
    assert_problem(move, 403, "unit_id", "own-unit")
    assert await listed(platform, reporter.headers) == {mine.json()["id"]}
    assert await count(platform, "SELECT count(*) FROM projects.projects") == before


async def test_a_county_reviewer_sees_the_zones_under_its_county(platform: Platform) -> None:
    units = await unit_ids(platform)
    zone = await platform.client.post(
        "/api/v1/units", json={"name": "汉滨测试园区", "kind": "zone", "parent_unit_id": units["汉滨区"]}
    )
    assert zone.status_code == 201, zone.text
    in_county = await register(platform, units["汉滨区"])
    in_zone = await register(platform, zone.json()["id"])
    elsewhere = await register(platform, units["平利县"])
    reviewer = await account(platform, [Role.REVIEWER], units["汉滨区"])
    assert await listed(platform, reviewer.headers) == {in_county["id"], in_zone["id"]}
    hidden = await platform.client.get(f"/api/v1/projects/{elsewhere['id']}", headers=reviewer.headers)
    assert hidden.status_code == 404
    # reviewers review; they do not register projects
    refused = await platform.client.post(
        "/api/v1/projects", json=project_body(units["汉滨区"]), headers=reviewer.headers
    )
    assert refused.status_code == 403


async def test_a_leader_reads_the_projects_assigned_to_them(platform: Platform) -> None:
    units = await unit_ids(platform)
    leader_account = await account(platform, [Role.LEADER])
    leader = await platform.client.post(
        "/api/v1/leaders", json={"name": "包抓领导甲", "level": "city", "user_id": leader_account.user_id}
    )
    assert leader.status_code == 201, leader.text
    assigned = await register(platform, units["镇坪县"], leader_ids=[leader.json()["id"]])
    other = await register(platform, units["镇坪县"])
    assert await listed(platform, leader_account.headers) == {assigned["id"]}
    own = await platform.client.get(f"/api/v1/projects/{assigned['id']}", headers=leader_account.headers)
    assert own.status_code == 200
    assert (
        await platform.client.get(f"/api/v1/projects/{other['id']}", headers=leader_account.headers)
    ).status_code == 404
    write = await platform.client.patch(
        f"/api/v1/projects/{assigned['id']}",
        json={"name": "改名"},
        headers=leader_account.headers | {"If-Match": '"1"'},
    )
    assert write.status_code == 403


async def test_a_convener_reads_everything_and_writes_nothing(platform: Platform) -> None:
    units = await unit_ids(platform)
    convener = await account(platform, [Role.CONVENER])
    project = await register(platform, units["岚皋县"])
    assert project["id"] in await listed(platform, convener.headers)
    refused = await platform.client.post(
        "/api/v1/projects", json=project_body(units["岚皋县"]), headers=convener.headers
    )
    assert refused.status_code == 403
    contacts_hidden = await platform.client.get(f"/api/v1/units/{units['岚皋县']}", headers=convener.headers)
    assert contacts_hidden.json()["contacts"] is None
