"""The office's recognition queue (认定待办) across projects, and who hears of applications and decisions."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from integration.notifier.notifier_support import bearer, contact, make_account, make_unit, person_id
from integration.projects.conftest import Clocked
from integration.projects.registry_support import (
    account,
    assert_problem,
    count,
    events,
    register,
    unit_ids,
)

from gongjian_shared.auth import Role
from support.platform import Platform, eventually

pytestmark = pytest.mark.asyncio


def application(kind: str, when: str) -> dict[str, Any]:
    return {"kind": kind, "date": when, "description": "主体工程开工，连续施工"}


async def apply(platform: Platform, project: dict[str, Any], kind: str, when: str, headers: Any) -> str:
    response = await platform.client.post(
        f"/api/v1/projects/{project['id']}/recognitions", json=application(kind, when), headers=headers
    )
    assert response.status_code == 201, response.text
    recognition_id: str = response.json()["id"]
    return recognition_id


async def queue(platform: Platform, headers: Any = None, **params: Any) -> dict[str, Any]:
    response = await platform.client.get("/api/v1/recognitions", params=params, headers=headers)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def names(page: dict[str, Any]) -> list[str]:
    return [item["project_name"] for item in page["items"]]


async def test_the_queue_lists_applications_across_projects_filtered_and_by_scope(clocked: Clocked) -> None:
    platform = clocked.platform
    await clocked.at(2019, 6, 10, 9)
    units = await unit_ids(platform)
    pingli, baihe = units["平利县"], units["白河县"]
    first = await register(platform, pingli, name="平利一号")
    second = await register(platform, baihe, name="白河二号")
    third = await register(platform, pingli, name="平利三号")
    pingli_reporter = await account(platform, [Role.REPORTER], pingli)
    baihe_reporter = await account(platform, [Role.REPORTER], baihe)
    pingli_reviewer = await account(platform, [Role.REVIEWER], pingli)

    await apply(platform, first, "start", "2019-06-01", pingli_reporter.headers)
    rejected = await apply(platform, second, "start", "2019-06-02", baihe_reporter.headers)
    started = await apply(platform, third, "start", "2019-05-20", pingli_reporter.headers)
    recognised = await platform.client.post(
        f"/api/v1/projects/{third['id']}/recognitions/{started}/recognise"
    )
    assert recognised.status_code == 200, recognised.text
    await apply(platform, third, "completion", "2019-06-08", pingli_reporter.headers)
    refused = await platform.client.post(
        f"/api/v1/projects/{second['id']}/recognitions/{rejected}/reject",
        json={"reason": "照片不能证明连续施工"},
    )
    assert refused.status_code == 200, refused.text

    pending = await queue(platform, status="pending")
    assert names(pending) == ["平利一号", "平利三号"]
    assert pending["total"] == 2 and {i["status"] for i in pending["items"]} == {"applied"}
    assert pending["items"][1]["kind"] == "completion" and pending["items"][1]["unit_id"] == pingli
    assert names(await queue(platform)) == ["平利一号", "白河二号", "平利三号", "平利三号"]
    assert names(await queue(platform, kind="completion")) == ["平利三号"]
    assert names(await queue(platform, unit_id=baihe)) == ["白河二号"]
    assert names(await queue(platform, status="rejected")) == ["白河二号"]
    assert names(await queue(platform, status="recognised", kind="start")) == ["平利三号"]
    assert names(await queue(platform, year=2020)) == []
    page = await queue(platform, limit=1, offset=1)
    assert (names(page), page["total"], page["limit"], page["offset"]) == (["白河二号"], 4, 1, 1)

    # a unit sees its own, a county reviewer the units under it; another unit's is refused, not emptied
    assert names(await queue(platform, pingli_reporter.headers, status="pending")) == ["平利一号", "平利三号"]
    assert names(await queue(platform, baihe_reporter.headers)) == ["白河二号"]
    assert names(await queue(platform, pingli_reviewer.headers, kind="start")) == ["平利一号", "平利三号"]
    for headers in (pingli_reporter.headers, pingli_reviewer.headers):
        foreign = await platform.client.get(
            "/api/v1/recognitions", params={"unit_id": baihe}, headers=headers
        )
        assert_problem(foreign, 403, "unit_id", "own-unit")
    bad = await platform.client.get("/api/v1/recognitions", params={"status": "applied"})
    assert_problem(bad, 422, "status", "literal_error")

    applied = await events(platform, "recognition-applied")
    assert [(e["project_name"], e["kind"]) for e in applied] == [
        ("平利一号", "start"),
        ("白河二号", "start"),
        ("平利三号", "start"),
        ("平利三号", "completion"),
    ]
    decided = await events(platform, "recognition-decided")
    assert [(e["project_name"], e["decision"], e["reason"]) for e in decided] == [
        ("平利三号", "recognised", None),
        ("白河二号", "rejected", "照片不能证明连续施工"),
    ]
    assert decided[1]["unit_id"] == baihe


async def inbox_titles(platform: Platform, headers: dict[str, str]) -> list[str]:
    response = await platform.client.get("/api/v1/inbox", headers=headers)
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


async def test_an_application_tells_the_office_and_a_decision_tells_the_unit(clocked: Clocked) -> None:
    platform = clocked.platform
    await clocked.at(2019, 6, 10, 9)
    unit = await make_unit(platform, "认定测试局", [contact("liaison", "认定联络员")])
    liaison = await make_account(
        platform, Role.LIAISON, unit_id=unit["id"], contact_ids=(person_id(unit, "认定联络员"),)
    )
    liaison_headers = bearer(
        platform, Role.LIAISON, unit_id=uuid.UUID(unit["id"]), user_id=liaison.account_id
    )
    project = await register(platform, unit["id"], name="认定大楼")
    reporter = await account(platform, [Role.REPORTER], unit["id"])
    recognition_id = await apply(platform, project, "start", "2019-06-03", reporter.headers)

    office = bearer(platform, Role.OFFICE)
    title = "【认定待办】认定大楼申请开工认定"

    async def office_told() -> bool:
        return title in await inbox_titles(platform, office)

    await eventually(office_told, what="the office's inbox item of the application")
    assert title not in await inbox_titles(platform, liaison_headers), "the unit is not told of its own"

    url = f"/api/v1/projects/{project['id']}/recognitions/{recognition_id}"
    rejected = await platform.client.post(f"{url}/reject", json={"reason": "缺少施工许可证"})
    assert rejected.status_code == 200, rejected.text
    decision = "【认定结果】认定大楼开工认定：不予认定"

    async def unit_told() -> bool:
        return decision in await inbox_titles(platform, liaison_headers)

    await eventually(unit_told, what="the unit's inbox item of the decision")
    [item] = [
        i
        for i in (await platform.client.get("/api/v1/inbox", headers=liaison_headers)).json()["items"]
        if i["title"] == decision
    ]
    assert "缺少施工许可证" in item["body"] and item["link"].endswith(
        f"/projects/{project['id']}/recognitions"
    )
    other_unit = bearer(platform, Role.LIAISON, unit_id=uuid.uuid4())
    assert decision not in await inbox_titles(platform, other_unit)
    assert (
        await count(platform, "SELECT count(*) FROM projects.outbox WHERE type = 'recognition-decided'") == 1
    )
