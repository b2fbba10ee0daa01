"""Quarterly concentrated starts (季度集中开工) and advance notice (提前预告): the office declares, units confirm
or decline, listed, exported and counted against the starts actually recognised by the quarter's end."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from integration.projects.conftest import Clocked
from integration.projects.registry_support import (
    Actor,
    account,
    assert_problem,
    count,
    events,
    register,
    unit_ids,
)
from openpyxl import load_workbook

from gongjian_shared.auth import Role
from support.platform import Platform

pytestmark = pytest.mark.asyncio

URL = "/api/v1/concentrated-starts"


def declaration(*project_ids: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "year": 2019,
        "quarter": 3,
        "planned_on": "2019-09-18",
        "event": "全市三季度重点项目集中开工活动",
        "notice": "请于9月10日前确认开工准备情况",
        "project_ids": list(project_ids),
    }
    return body | overrides


async def recognise_start(platform: Platform, project_id: str, when: str) -> None:
    url = f"/api/v1/projects/{project_id}/recognitions"
    body = {"kind": "start", "date": when, "description": "主体工程开工"}
    applied = await platform.client.post(url, json=body)
    assert applied.status_code == 201, applied.text
    assert (await platform.client.post(f"{url}/{applied.json()['id']}/recognise")).status_code == 200


async def answers(platform: Platform, start_id: str, actor: Actor | None = None) -> dict[str, str]:
    response = await platform.client.get(f"{URL}/{start_id}", headers=actor.headers if actor else None)
    assert response.status_code == 200, response.text
    return {p["project_name"]: p["answer"] for p in response.json()["projects"]}


async def test_the_office_declares_a_quarters_batch_and_units_answer_for_their_projects(
    clocked: Clocked,
) -> None:
    platform = clocked.platform
    await clocked.at(2019, 7, 5, 9)
    units = await unit_ids(platform)
    first = await register(platform, units["汉滨区"], name="汉滨甲", planned_start="2019-09-01")
    second = await register(platform, units["汉滨区"], name="汉滨乙", planned_start="2019-09-01")
    third = await register(platform, units["平利县"], name="平利丙", planned_start="2019-09-01")
    continuing = await register(platform, units["汉滨区"], name="汉滨续建", plan_category="continuing")
    prephase = await register(platform, units["汉滨区"], kind="prephase", plan_category=None)
    hanbin = await account(platform, [Role.REPORTER], units["汉滨区"])
    hanbin_liaison = await account(platform, [Role.LIAISON], units["汉滨区"])
    pingli = await account(platform, [Role.REPORTER], units["平利县"])
    baihe = await account(platform, [Role.REPORTER], units["白河县"])

    ids = (first["id"], second["id"], third["id"])
    refused = await platform.client.post(URL, json=declaration(*ids), headers=hanbin.headers)
    assert refused.status_code == 403, refused.text
    assert_problem(
        await platform.client.post(URL, json=declaration(*ids, planned_on="2019-10-08")),
        422,
        "",
        "cross_field",
    )
    assert_problem(
        await platform.client.post(URL, json=declaration(first["id"], first["id"])), 422, "", "cross_field"
    )
    unknown = declaration(first["id"], "00000000-0000-0000-0000-000000000001")
    assert_problem(await platform.client.post(URL, json=unknown), 404, "project_ids[1]", "exists")
    wrong = await platform.client.post(URL, json=declaration(first["id"], continuing["id"], prephase["id"]))
    assert_problem(wrong, 409, "project_ids[1]", "not-started")
    assert_problem(wrong, 409, "project_ids[2]", "key-project-of-year")
    assert await count(platform, "SELECT count(*) FROM projects.concentrated_starts") == 0

    declared = await platform.client.post(URL, json=declaration(*ids))
    assert declared.status_code == 201, declared.text
    start = declared.json()
    assert [p["answer"] for p in start["projects"]] == ["declared"] * 3
    again = await platform.client.post(URL, json=declaration(first["id"], event="另一场"))
    assert_problem(again, 409, "project_ids[0]", "one-per-quarter")
    [notice] = await events(platform, "concentrated-start-declared")
    assert (notice["concentrated_start_id"], notice["planned_on"]) == (start["id"], "2019-09-18")
    assert {p["unit_id"] for p in notice["projects"]} == {units["汉滨区"], units["平利县"]}

    # each unit sees and answers its own projects only
    assert await answers(platform, start["id"], hanbin) == {"汉滨甲": "declared", "汉滨乙": "declared"}
    assert await answers(platform, start["id"], pingli) == {"平利丙": "declared"}
    assert (await platform.client.get(f"{URL}/{start['id']}", headers=baihe.headers)).status_code == 404
    listed = await platform.client.get(URL, params={"year": 2019}, headers=baihe.headers)
    assert listed.json() == []
    project_url = f"{URL}/{start['id']}/projects"
    assert (
        await platform.client.post(f"{project_url}/{third['id']}/confirm", headers=hanbin.headers)
    ).status_code == 404
    assert (
        await platform.client.post(f"{project_url}/{first['id']}/confirm", headers=hanbin_liaison.headers)
    ).status_code == 403
    confirmed = await platform.client.post(f"{project_url}/{first['id']}/confirm", headers=hanbin.headers)
    assert (confirmed.json()["answer"], confirmed.json()["reason"]) == ("confirmed", None)
    twice = await platform.client.post(f"{project_url}/{first['id']}/confirm", headers=hanbin.headers)
    assert twice.status_code == 409 and twice.json()["allowed"] == ["declared"]
    blank = await platform.client.post(
        f"{project_url}/{second['id']}/decline", json={"reason": ""}, headers=hanbin.headers
    )
    assert_problem(blank, 422, "reason", "string_too_short")
    declined = await platform.client.post(
        f"{project_url}/{second['id']}/decline", json={"reason": "施工许可尚未取得"}, headers=hanbin.headers
    )
    assert (declined.json()["answer"], declined.json()["reason"]) == ("declined", "施工许可尚未取得")
    assert (
        await platform.client.post(f"{project_url}/{third['id']}/confirm", headers=pingli.headers)
    ).status_code == 200
    told = await events(platform, "concentrated-start-answered")
    assert [(e["project_id"], e["answer"]) for e in told] == [
        (first["id"], "confirmed"),
        (second["id"], "declined"),
        (third["id"], "confirmed"),
    ]

    # started by the quarter's end: the recognised start dates decide
    await clocked.at(2019, 9, 20, 9)
    await recognise_start(platform, first["id"], "2019-09-18")
    await clocked.at(2019, 10, 10, 9)
    await recognise_start(platform, third["id"], "2019-10-08")
    counts = (await platform.client.get(f"{URL}/counts", params={"year": 2019, "quarter": 3})).json()
    figures = ("declared", "confirmed", "declined", "started")
    assert counts["quarter_end"] == "2019-09-30"
    assert {row["name"]: tuple(row[f] for f in figures) for row in counts["rows"]} == {
        "汉滨区": (2, 1, 1, 1),
        "平利县": (1, 1, 0, 0),
    }
    assert tuple(counts["city"][f] for f in figures) == (3, 2, 1, 1)
    await hanbin.sign_in(platform)
    own = (
        await platform.client.get(
            f"{URL}/counts", params={"year": 2019, "quarter": 3}, headers=hanbin.headers
        )
    ).json()
    assert ([row["name"] for row in own["rows"]], own["city"]) == (["汉滨区"], None)

    exported = await platform.client.get(URL, params={"year": 2019, "quarter": 3, "format": "xlsx"})
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(exported.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [(r[4], r[5], r[6], r[7], r[8]) for r in rows] == [
        ("汉滨甲", "汉滨区", "已确认", None, "2019-09-18"),
        ("汉滨乙", "汉滨区", "不能按期开工", "施工许可尚未取得", None),
        ("平利丙", "平利县", "已确认", None, "2019-10-08"),
    ]
