"""The push ledger's categories include utilities (水电路气) and land (土地); the unit named to help clear an
obstacle (协助单位, `responsible_unit_id`) sees it and records what it did, and changes nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from integration.projects.registry_support import account, assert_problem, register, unit_ids

from gongjian_shared.auth import Role
from support.platform import Platform

pytestmark = pytest.mark.asyncio


async def create(platform: Platform, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = await platform.client.post("/api/v1/ledger/obstacles", json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_utilities_and_land_are_obstacle_categories(platform: Platform) -> None:
    units = await unit_ids(platform)
    project = await register(platform, units["旬阳县"], name="旬阳港")
    reporter = await account(platform, [Role.REPORTER], units["旬阳县"])
    power = await create(
        platform,
        reporter.headers,
        project_id=project["id"],
        category="utilities",
        description="施工用电未接入",
    )
    land = await create(
        platform, reporter.headers, project_id=project["id"], category="land", description="用地指标未落实"
    )
    assert (power["category"], land["category"]) == ("utilities", "land")
    listed = await platform.client.get(
        "/api/v1/ledger/obstacles",
        params={"category": "utilities", "project_id": project["id"]},
        headers=reporter.headers,
    )
    assert [item["id"] for item in listed.json()["items"]] == [power["id"]]
    changed = await platform.client.patch(
        f"/api/v1/ledger/obstacles/{power['id']}",
        json={"category": "land"},
        headers=reporter.headers | {"If-Match": '"1"'},
    )
    assert changed.status_code == 200 and changed.json()["category"] == "land", changed.text


async def test_a_helping_unit_sees_and_acts_on_its_obstacles_and_changes_nothing_else(
    platform: Platform,
) -> None:
    units = await unit_ids(platform)
    project = await register(platform, units["紫阳县"], name="紫阳港区")
    owner = await account(platform, [Role.REPORTER], units["紫阳县"])
    helper = await account(platform, [Role.REPORTER], units["市自然资源局"])
    helper_liaison = await account(platform, [Role.LIAISON], units["市自然资源局"])
    stranger = await account(platform, [Role.REPORTER], units["白河县"])
    named = await create(
        platform,
        owner.headers,
        project_id=project["id"],
        category="land",
        description="二期用地指标未下达",
        responsible_unit_id=units["市自然资源局"],
        due_on="2019-09-30",
    )
    await create(
        platform, owner.headers, project_id=project["id"], category="hiring", description="缺少技术工人"
    )
    url = f"/api/v1/ledger/obstacles/{named['id']}"

    for reader in (helper, helper_liaison):
        mine = await platform.client.get("/api/v1/ledger/obstacles", headers=reader.headers)
        assert [item["id"] for item in mine.json()["items"]] == [named["id"]], "only the one it is named on"
        assert (await platform.client.get(url, headers=reader.headers)).status_code == 200
    assert (await platform.client.get(url, headers=stranger.headers)).status_code == 404
    project_of_other = await platform.client.get(f"/api/v1/projects/{project['id']}", headers=helper.headers)
    assert project_of_other.status_code == 404, "helping on an obstacle does not open the whole project"

    acted = await platform.client.post(
        f"{url}/actions",
        json={"taken_on": "2019-06-12", "description": "已向省厅申请追加用地指标"},
        headers=helper.headers,
    )
    assert acted.status_code == 201, acted.text
    assert acted.json()["status"] == "in-progress"
    [action] = acted.json()["actions"]
    assert (action["description"], action["actor_id"]) == ("已向省厅申请追加用地指标", helper.user_id)

    revision = f'"{acted.json()["revision"]}"'
    for change in ({"description": "改写"}, {"status": "resolved"}, {"responsible_unit_id": None}):
        refused = await platform.client.patch(
            url, json=change, headers=helper.headers | {"If-Match": revision}
        )
        assert_problem(refused, 403, "project_id", "own-unit")
    escalate = await platform.client.post(f"{url}/escalate", json={}, headers=helper.headers)
    assert_problem(escalate, 403, "project_id", "own-unit")
    liaison_acts = await platform.client.post(
        f"{url}/actions", json={"taken_on": "2019-06-12", "description": "x"}, headers=helper_liaison.headers
    )
    assert_problem(liaison_acts, 403, "obstacle_id", "own-unit")
    stranger_acts = await platform.client.post(
        f"{url}/actions", json={"taken_on": "2019-06-12", "description": "x"}, headers=stranger.headers
    )
    assert stranger_acts.status_code == 404
    new_one = await platform.client.post(
        "/api/v1/ledger/obstacles",
        json={"project_id": project["id"], "category": "other", "description": "x"},
        headers=helper.headers,
    )
    assert new_one.status_code == 404, "a helping unit enters no obstacle on another unit's project"

    after = (await platform.client.get(url, headers=owner.headers)).json()
    assert (after["description"], after["status"], after["revision"]) == (
        "二期用地指标未下达",
        "in-progress",
        acted.json()["revision"],
    )
