"""The push ledger (攻坚台帐), early warning (预警) and plan adjustment (计划调整)."""

from __future__ import annotations

from typing import Any

import pytest
from integration.projects.conftest import Clocked
from integration.projects.registry_support import account, assert_problem, count, events, register, unit_ids

from gongjian_shared.auth import Role
from support.platform import Platform

pytestmark = pytest.mark.asyncio


async def test_obstacles_are_tracked_and_escalated_to_the_joint_meeting(platform: Platform) -> None:
    units = await unit_ids(platform)
    project = await register(platform, units["紫阳县"], name="紫阳港区")
    foreign = await register(platform, units["白河县"])
    reporter = await account(platform, [Role.REPORTER], units["紫阳县"])
    body = {
        "project_id": project["id"],
        "category": "land-and-demolition",
        "description": "二期用地 30 亩征迁未完成",
        "responsible_unit_id": units["市自然资源局"],
        "due_on": "2019-01-31",
    }
    before = await count(platform, "SELECT count(*) FROM projects.obstacles")
    for bad, status, field, rule in [
        (body | {"category": "weather"}, 422, "category", "literal_error"),
        (
            body | {"responsible_unit_id": "00000000-0000-0000-0000-000000000009"},
            404,
            "responsible_unit_id",
            "exists",
        ),
        (body | {"description": ""}, 422, "description", "string_too_short"),
    ]:
        response = await platform.client.post("/api/v1/ledger/obstacles", json=bad, headers=reporter.headers)
        assert_problem(response, status, field, rule)
    other_unit = await platform.client.post(
        "/api/v1/ledger/obstacles", json=body | {"project_id": foreign["id"]}, headers=reporter.headers
    )
    assert other_unit.status_code == 404
    assert await count(platform, "SELECT count(*) FROM projects.obstacles") == before

    created = await platform.client.post("/api/v1/ledger/obstacles", json=body, headers=reporter.headers)
    assert created.status_code == 201, created.text
    obstacle = created.json()
    assert (obstacle["status"], obstacle["overdue"]) == ("open", True)
    url = f"/api/v1/ledger/obstacles/{obstacle['id']}"
    acted = await platform.client.post(
        f"{url}/actions",
        json={"taken_on": "2019-01-20", "description": "召开征迁协调会"},
        headers=reporter.headers,
    )
    assert acted.json()["status"] == "in-progress"
    assert [a["description"] for a in acted.json()["actions"]] == ["召开征迁协调会"]
    stale = await platform.client.patch(
        url, json={"due_on": "2019-09-30"}, headers=reporter.headers | {"If-Match": '"1"'}
    )
    assert_problem(stale, 412, "If-Match", "stale")
    overdue = await platform.client.get(
        "/api/v1/ledger/obstacles", params={"overdue": True}, headers=reporter.headers
    )
    assert [item["id"] for item in overdue.json()["items"]] == [obstacle["id"]]

    escalated = await platform.client.post(
        f"{url}/escalate", json={"proposed_solution": "请市政府协调集中征迁"}, headers=reporter.headers
    )
    assert escalated.json()["status"] == "escalated", escalated.text
    [event] = await events(platform, "obstacle-escalated")
    assert (
        event["project_name"],
        event["category"],
        event["proposed_solution"],
        event["responsible_unit_id"],
    ) == (
        "紫阳港区",
        "land-and-demolition",
        "请市政府协调集中征迁",
        units["市自然资源局"],
    )
    twice = await platform.client.post(f"{url}/escalate", json={}, headers=reporter.headers)
    assert twice.status_code == 409 and twice.json()["allowed"] == ["open", "in-progress"]
    reopen = await platform.client.patch(
        url, json={"status": "open"}, headers=reporter.headers | {"If-Match": '"3"'}
    )
    assert reopen.status_code == 409
    resolved = await platform.client.patch(
        url, json={"status": "resolved"}, headers=reporter.headers | {"If-Match": '"3"'}
    )
    assert resolved.json()["status"] == "resolved" and resolved.json()["resolved_on"]


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
    assert (
        await platform.client.post(f"/api/v1/progress-reports/{report.json()['id']}/accept")
    ).status_code == 200


async def test_key_projects_turn_yellow_and_red_against_the_benchmark(clocked: Clocked) -> None:
    platform = clocked.platform
    await clocked.at(2019, 6, 28, 9)
    units = await unit_ids(platform)
    leader = (
        await platform.client.post("/api/v1/leaders", json={"name": "刘副市长", "level": "city"})
    ).json()
    common: dict[str, Any] = {"planned_investment_10k": "1200", "planned_start": "2019-02-01"}
    on_time = await register(platform, units["汉阴县"], name="按期项目", **common)
    lagging = await register(platform, units["汉阴县"], name="滞后项目", **common)
    behind = await register(
        platform, units["石泉县"], name="严重滞后项目", leader_ids=[leader["id"]], **common
    )
    idle = await register(platform, units["石泉县"], name="未开工项目", leader_ids=[leader["id"]], **common)
    for project in (on_time, lagging, behind):
        await platform.client.post(
            f"/api/v1/projects/{project['id']}/recognitions",
            json={
                "kind": "start",
                "date": "2019-06-01",
                "description": "开工",
            },
        )
        recognitions = (await platform.client.get(f"/api/v1/projects/{project['id']}/recognitions")).json()
        await platform.client.post(
            f"/api/v1/projects/{project['id']}/recognitions/{recognitions[0]['id']}/recognise"
        )
    await report_and_accept(platform, on_time["id"], 6, "600")  # 50 % at the 50 % benchmark
    await report_and_accept(platform, lagging["id"], 6, "420")  # 15 points behind
    await report_and_accept(platform, behind["id"], 6, "300")  # 25 points behind: red on acceptance
    assert [e["project_id"] for e in await events(platform, "project-behind-schedule")] == [behind["id"]]

    await clocked.at(2019, 7, 12, 9)
    assert (await platform.client.post("/api/v1/progress-reports/months/2019/6/freeze")).status_code == 200
    reds = await events(platform, "project-behind-schedule")
    assert [e["project_id"] for e in reds] == [behind["id"], idle["id"]]
    assert reds[1]["leader_ids"] == [leader["id"]] and "not started" in reds[1]["reason"]
    assert (reds[0]["completion_share_percent"], reds[0]["benchmark_percent"]) == ("25.00", "50.00")

    colours = {
        w["project_name"]: w["colour"]
        for w in (await platform.client.get("/api/v1/early-warning/2019/projects")).json()
    }
    assert colours == {"按期项目": "green", "滞后项目": "yellow", "严重滞后项目": "red", "未开工项目": "red"}
    red_list = await platform.client.get("/api/v1/projects", params={"warning_colour": "red", "sort": "name"})
    assert [p["name"] for p in red_list.json()["items"]] == ["严重滞后项目", "未开工项目"]
    by_unit = {
        (r["name"], r["green"], r["yellow"], r["red"])
        for r in (await platform.client.get("/api/v1/early-warning/2019/rollup")).json()
    }
    assert by_unit == {("汉阴县", 1, 1, 0), ("石泉县", 0, 0, 2)}
    by_leader = (
        await platform.client.get("/api/v1/early-warning/2019/rollup", params={"by": "leader"})
    ).json()
    assert [(r["name"], r["red"]) for r in by_leader] == [("刘副市长", 2)]

    leaders = (await platform.client.get("/api/v1/statistics/2019/leaders", params={"month": 6})).json()
    assert [
        (r["name"], r["key_projects"], r["planned_investment_10k"], r["completed_year_to_date_10k"])
        for r in leaders["rows"]
    ] == [("刘副市长", 2, "2400.00", "300.00")]
    reporter = await account(platform, [Role.REPORTER], units["汉阴县"])
    own = (
        await platform.client.get(
            "/api/v1/statistics/2019/units", params={"month": 6}, headers=reporter.headers
        )
    ).json()
    assert [(r["name"], r["completion_share_percent"]) for r in own["rows"]] == [("汉阴县", "42.50")]
    assert own["city"] is None
    city = await platform.client.get(
        "/api/v1/statistics/2019/city", params={"month": 6}, headers=reporter.headers
    )
    assert city.status_code == 403

    # stricter thresholds turn the lagging project red; the red ones do not announce themselves again
    current = await platform.client.get("/api/v1/early-warning/thresholds/2019")
    assert current.headers["etag"] == '"0"'
    assert_problem(
        await platform.client.put(
            "/api/v1/early-warning/thresholds/2019",
            json={"yellow_points": "12", "red_points": "12"},
            headers={"If-Match": '"0"'},
        ),
        422,
        "body",
        "cross_field",
    )
    changed = await platform.client.put(
        "/api/v1/early-warning/thresholds/2019",
        json={"yellow_points": "5", "red_points": "12"},
        headers={"If-Match": '"0"'},
    )
    assert changed.status_code == 200, changed.text
    evaluation = (await platform.client.post("/api/v1/early-warning/2019/6/evaluate")).json()
    assert (evaluation["judged"], evaluation["turned_red"]) == (4, 1)
    assert [e["project_id"] for e in await events(platform, "project-behind-schedule")][-1] == lagging["id"]
    assert len(await events(platform, "project-behind-schedule")) == 3


async def test_the_baseline_and_the_adjusted_plan_are_both_kept(platform: Platform) -> None:
    units = await unit_ids(platform)
    first = await register(platform, units["镇坪县"], name="基线项目甲", planned_investment_10k="1000")
    second = await register(platform, units["镇坪县"], name="基线项目乙", planned_investment_10k="2000")
    published = await platform.client.post("/api/v1/plans/2019/publish")
    assert published.status_code == 200, published.text
    assert (await platform.client.post("/api/v1/plans/2019/publish")).status_code == 409
    added = await register(platform, units["镇坪县"], name="年中新增项目", planned_investment_10k="500")
    assert added["id"]
    await platform.client.patch(
        f"/api/v1/projects/{first['id']}",
        json={"planned_investment_10k": "1500"},
        headers={"If-Match": '"1"'},
    )
    removal = {"reason": "用地手续无法年内办结", "removed_on": "2019-07-15", "approved_by": "市政府常务会议"}
    reporter = await account(platform, [Role.REPORTER], units["镇坪县"])
    refused = await platform.client.post(
        f"/api/v1/plans/2019/removals/{second['id']}", json=removal, headers=reporter.headers
    )
    assert refused.status_code == 403
    assert (
        await platform.client.post(f"/api/v1/plans/2020/removals/{second['id']}", json=removal)
    ).status_code == 404
    assert_problem(
        await platform.client.post(
            f"/api/v1/plans/2019/removals/{second['id']}", json=removal | {"removed_on": "2020-01-02"}
        ),
        422,
        "removed_on",
        "plan-year",
    )
    removed = await platform.client.post(f"/api/v1/plans/2019/removals/{second['id']}", json=removal)
    assert removed.json()["status"] == "removed", removed.text
    assert (
        await platform.client.post(f"/api/v1/plans/2019/removals/{second['id']}", json=removal)
    ).status_code == 409
    [event] = await events(platform, "project-removed-from-plan")
    assert (event["project_id"], event["approved_by"], event["removed_on"]) == (
        second["id"],
        "市政府常务会议",
        "2019-07-15",
    )

    baseline = (
        await platform.client.get("/api/v1/plans/2019/key-projects", params={"view": "baseline"})
    ).json()
    assert {p["name"]: p["planned_investment_10k"] for p in baseline["projects"]} == {
        "基线项目甲": "1000.00",
        "基线项目乙": "2000.00",
    }
    assert baseline["total_planned_investment_10k"] == "3000.00"
    adjusted = (await platform.client.get("/api/v1/plans/2019/key-projects")).json()
    assert {(p["name"], p["planned_investment_10k"], p["added_mid_year"]) for p in adjusted["projects"]} == {
        ("基线项目甲", "1500.00", False),
        ("年中新增项目", "500.00", True),
    }
    assert adjusted["total_planned_investment_10k"] == "2000.00"
    history = (await platform.client.get(f"/api/v1/projects/{second['id']}/status-history")).json()
    assert [(s["to_status"], s["reason"]) for s in history][-1] == ("removed", "用地手续无法年内办结")
    missing = (await platform.client.get("/api/v1/progress-reports/months/2019/7/missing")).json()
    assert second["id"] not in {p for unit in missing for p in unit["project_ids"]}
