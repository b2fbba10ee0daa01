"""The shared access policy on projects-api's routes: liaisons read, department reviewers see their sector,
helping units their obstacles, and another unit's objects answer 404 everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from integration.projects.registry_support import account, assert_problem, project_body, register, unit_ids

from gongjian_shared.auth import Role
from support.platform import Platform

pytestmark = pytest.mark.asyncio

OBSTACLE = {"category": "approvals", "description": "用地预审未批复", "due_on": "2019-08-31"}
REPORT = {
    "year": 2019,
    "month": 4,
    "completed_10k": "10",
    "cumulative_10k": "10",
    "physical_progress": "桩基施工",
    "image_progress_percent": "5",
}
RECOGNITION = {
    "kind": "start",
    "date": "2019-05-18",
    "description": "主体工程桩基开始施工",
}


async def listed(platform: Platform, path: str, headers: dict[str, str]) -> set[str]:
    response = await platform.client.get(path, params={"limit": 500}, headers=headers)
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


async def obstacle_of(platform: Platform, project: dict[str, Any], **fields: Any) -> dict[str, Any]:
    created = await platform.client.post(
        "/api/v1/ledger/obstacles", json=OBSTACLE | {"project_id": project["id"]} | fields
    )
    assert created.status_code == 201, created.text
    obstacle: dict[str, Any] = created.json()
    return obstacle


async def test_a_liaison_reads_its_units_projects_but_cannot_write(platform: Platform) -> None:
    units = await unit_ids(platform)
    liaison = await account(platform, [Role.LIAISON], units["汉阴县"])
    project = await register(platform, units["汉阴县"])
    url = f"/api/v1/projects/{project['id']}"

    assert (await platform.client.get(url, headers=liaison.headers)).status_code == 200
    assert project["id"] in await listed(platform, "/api/v1/projects", liaison.headers)
    patch = await platform.client.patch(
        url, json={"name": "改名"}, headers=liaison.headers | {"If-Match": '"1"'}
    )
    assert_problem(patch, 403, "unit_id", "own-unit")
    report = await platform.client.post(f"{url}/progress-reports", json=REPORT, headers=liaison.headers)
    assert_problem(report, 403, "unit_id", "own-unit")
    create = await platform.client.post(
        "/api/v1/projects", json=project_body(units["汉阴县"]), headers=liaison.headers
    )
    assert_problem(create, 403, "unit_id", "own-unit")
    assert (await platform.client.get(url)).json()["name"] == project["name"]


async def test_another_units_project_answers_404_on_every_route(platform: Platform) -> None:
    units = await unit_ids(platform)
    reporter = await account(platform, [Role.REPORTER], units["石泉县"])
    theirs = await register(platform, units["白河县"])
    url = f"/api/v1/projects/{theirs['id']}"
    headers = reporter.headers

    reads = [
        url,
        f"{url}/status-history",
        f"{url}/progress-reports",
        f"{url}/recognitions",
        f"{url}/prephase-procedures",
    ]
    for path in reads:
        assert (await platform.client.get(path, headers=headers)).status_code == 404, path
    update = await platform.client.patch(url, json={"name": "x"}, headers=headers | {"If-Match": '"1"'})
    assert update.status_code == 404
    report = await platform.client.post(f"{url}/progress-reports", json=REPORT, headers=headers)
    assert report.status_code == 404, report.text
    recognition = await platform.client.post(f"{url}/recognitions", json=RECOGNITION, headers=headers)
    assert recognition.status_code == 404, recognition.text
    obstacle = await platform.client.post(
        "/api/v1/ledger/obstacles", json=OBSTACLE | {"project_id": theirs["id"]}, headers=headers
    )
    assert obstacle.status_code == 404, obstacle.text
    removal = await platform.client.post(
        f"/api/v1/plans/2019/removals/{theirs['id']}",
        json={"removed_on": "2019-06-01", "reason": "无法开工", "approved_by": "市政府常务会议"},
        headers=headers,
    )
    assert removal.status_code == 404, removal.text
    missing = await platform.client.get(
        "/api/v1/projects/00000000-0000-0000-0000-000000000000", headers=headers
    )
    assert missing.status_code == 404
    assert (await platform.client.get(url, headers=headers)).json()["type"] == missing.json()["type"]
    assert theirs["id"] not in await listed(platform, "/api/v1/projects", headers)


async def test_a_county_reviewer_sees_a_zone_added_under_it_at_once(platform: Platform) -> None:
    units = await unit_ids(platform)
    reviewer = await account(platform, [Role.REVIEWER], units["旬阳县"])
    assert (
        await listed(platform, "/api/v1/projects", reviewer.headers) == set()
    )  # the unit tree is now cached
    zone = await platform.client.post(
        "/api/v1/units", json={"name": "旬阳测试园区", "kind": "zone", "parent_unit_id": units["旬阳县"]}
    )
    assert zone.status_code == 201, zone.text
    in_zone = await register(platform, zone.json()["id"])
    assert await listed(platform, "/api/v1/projects", reviewer.headers) == {in_zone["id"]}
    seen = await platform.client.get(f"/api/v1/projects/{in_zone['id']}", headers=reviewer.headers)
    assert seen.status_code == 200


async def test_a_department_reviewer_sees_the_county_projects_of_its_sector(platform: Platform) -> None:
    units = await unit_ids(platform)
    reviewer = await account(platform, [Role.REVIEWER], units["市交通运输局"])
    road = await register(platform, units["紫阳县"], industry="交通")
    zone_road = await register(platform, units["安康高新区"], industry="公路")
    water = await register(platform, units["紫阳县"], industry="水利")
    department_road = await register(platform, units["市住建局"], industry="交通")
    own = await register(platform, units["市交通运输局"], industry="交通")

    visible = await listed(platform, "/api/v1/projects", reviewer.headers)
    assert {road["id"], zone_road["id"], own["id"]} <= visible
    assert not {water["id"], department_road["id"]} & visible
    assert (
        await platform.client.get(f"/api/v1/projects/{road['id']}", headers=reviewer.headers)
    ).status_code == 200
    for hidden in (water, department_road):
        response = await platform.client.get(f"/api/v1/projects/{hidden['id']}", headers=reviewer.headers)
        assert response.status_code == 404
    # seeing is not reviewing or writing
    write = await platform.client.patch(
        f"/api/v1/projects/{road['id']}", json={"name": "x"}, headers=reviewer.headers | {"If-Match": '"1"'}
    )
    assert write.status_code == 403


async def test_a_helping_unit_sees_and_acts_on_the_obstacle_it_is_named_on(platform: Platform) -> None:
    units = await unit_ids(platform)
    project = await register(platform, units["平利县"])
    named = await obstacle_of(platform, project, responsible_unit_id=units["市自然资源局"])
    other = await obstacle_of(platform, project)
    helper = await account(platform, [Role.REPORTER], units["市自然资源局"])
    stranger = await account(platform, [Role.REPORTER], units["市水利局"])
    url = f"/api/v1/ledger/obstacles/{named['id']}"

    assert await listed(platform, "/api/v1/ledger/obstacles", helper.headers) == {named["id"]}
    assert (await platform.client.get(url, headers=helper.headers)).status_code == 200
    action = await platform.client.post(
        f"{url}/actions",
        json={"taken_on": "2019-05-10", "description": "完成用地预审"},
        headers=helper.headers,
    )
    assert action.status_code == 201, action.text
    assert action.json()["actions"][0]["description"] == "完成用地预审"
    # the project and the owner's decisions stay the project unit's
    assert (
        await platform.client.get(f"/api/v1/projects/{project['id']}", headers=helper.headers)
    ).status_code == 404
    change = await platform.client.patch(
        url,
        json={"status": "resolved"},
        headers=helper.headers | {"If-Match": f'"{action.json()["revision"]}"'},
    )
    assert change.status_code == 403
    assert (
        await platform.client.get(f"/api/v1/ledger/obstacles/{other['id']}", headers=helper.headers)
    ).status_code == 404
    assert (await platform.client.get(url, headers=stranger.headers)).status_code == 404
    assert await listed(platform, "/api/v1/ledger/obstacles", stranger.headers) == set()


async def test_a_leader_reads_only_assigned_projects_even_when_assigned_later(platform: Platform) -> None:
    units = await unit_ids(platform)
    leader_account = await account(platform, [Role.LEADER])
    assert await listed(platform, "/api/v1/projects", leader_account.headers) == set()  # links now cached
    leader = await platform.client.post(
        "/api/v1/leaders", json={"name": "包抓领导乙", "level": "city", "user_id": leader_account.user_id}
    )
    assert leader.status_code == 201, leader.text
    assigned = await register(platform, units["岚皋县"], leader_ids=[leader.json()["id"]])
    other = await register(platform, units["岚皋县"])

    assert await listed(platform, "/api/v1/projects", leader_account.headers) == {assigned["id"]}
    reports = await platform.client.get(
        f"/api/v1/projects/{assigned['id']}/progress-reports", headers=leader_account.headers
    )
    assert reports.status_code == 200
    hidden = await platform.client.get(f"/api/v1/projects/{other['id']}", headers=leader_account.headers)
    assert hidden.status_code == 404
