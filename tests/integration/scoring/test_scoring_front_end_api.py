"""The API for front ends: standings, a unit's sheet with its explanations, the trend, publication, xlsx."""

from __future__ import annotations

import io
import uuid
from datetime import date
from decimal import Decimal

import pytest
from integration.scoring.scoring_support import (
    progress,
    publish,
    register_project,
    settle,
    unit_headers,
    unit_ids,
)
from openpyxl import load_workbook

from gongjian_scoring.engine import compute, load_builtin_rule_set, parse_facts
from gongjian_shared.events.projects import ProjectStarted
from support.platform import Platform

pytestmark = pytest.mark.asyncio

API = "/api/v1/scoring"
COUNTY = {"year": 2019, "kind": "county"}


async def leader(platform: Platform) -> dict[str, str]:
    """汉滨区 completes its one new-start project in full; 汉阴县 half of its own."""
    units = await unit_ids(platform, "county")
    for serial, (name, done) in enumerate([("汉滨区", "1000"), ("汉阴县", "500")], start=1):
        unit = units[name]
        project = await register_project(platform, unit, serial, planned="1000", plan_category="new-start")
        await publish(
            platform,
            progress(unit, project, 12, done),
            ProjectStarted(
                project_id=uuid.UUID(project),
                unit_id=uuid.UUID(unit),
                year=2019,
                started_on=date(2019, 3, 1),
                recognised_on=date(2019, 4, 1),
            ),
        )
    await settle(platform)
    return units


async def test_the_office_sees_live_standings_with_awards_passed_down_past_an_ineligible_unit(
    platform: Platform,
) -> None:
    units = await leader(platform)
    standings = (await platform.client.get(f"{API}/standings", params=COUNTY)).json()
    assert (standings["rule_set_id"], standings["published"], len(standings["units"])) == (
        "2019-county",
        False,
        13,
    )
    first = standings["units"][0]
    assert (first["unit"], first["rank"], first["award"], first["unit_id"]) == (
        "汉滨区",
        1,
        "first",
        units["汉滨区"],
    )
    assert [u["award"] for u in standings["units"]][:6] == [
        "first",
        "second",
        "second",
        "third",
        "third",
        None,
    ]
    assert standings["units"][1]["unit"] == "汉阴县"
    incident = {
        "kind": "disqualifying_incident",
        "year": 2019,
        "evidence": "事故通报",
        "category": "work_safety",
        "occurred_on": "2019-08-08",
        "description": "较大安全生产责任事故",
    }
    assert (
        await platform.client.post(f"{API}/units/{units['汉滨区']}/judgements", json=incident)
    ).status_code == 201
    standings = (await platform.client.get(f"{API}/standings", params=COUNTY)).json()
    top = standings["units"][0]
    assert (top["unit"], top["rank"], top["eligible"], top["award"]) == ("汉滨区", 1, False, None)
    assert (standings["units"][1]["unit"], standings["units"][1]["award"]) == ("汉阴县", "first")
    assert [u["award"] for u in standings["units"]].count("third") == 2


async def test_a_unit_sees_its_own_sheet_with_explanations_and_its_trend(platform: Platform) -> None:
    units = await leader(platform)
    own, other = units["汉阴县"], units["汉滨区"]
    headers = unit_headers(platform, own)
    sheet = (
        await platform.client.get(f"{API}/units/{own}/sheet", params={"year": 2019}, headers=headers)
    ).json()
    assert (sheet["unit"], sheet["rule_set_id"], sheet["rank"], sheet["award"]) == (
        "汉阴县",
        "2019-county",
        None,
        None,
    )
    c11 = next(item for item in sheet["items"] if item["id"] == "C1.1")
    # 500/1000 × 35 = 17.5, below 80%, one project (fewer than 5): -5 → 12.5
    assert (c11["points"], c11["standard"], c11["applicable"]) == (12.5, 35, True)
    assert "500/1000" in c11["explanation"] and c11["source_text"].startswith(
        "各县区市级重点建设项目完成投资额"
    )
    office = (await platform.client.get(f"{API}/units/{own}/sheet", params={"year": 2019})).json()
    assert (office["rank"], office["award"]) == (2, "second")
    assert (
        await platform.client.get(f"{API}/units/{other}/sheet", params={"year": 2019}, headers=headers)
    ).status_code == 404
    history = (
        await platform.client.get(f"{API}/units/{own}/history", params={"year": 2019}, headers=headers)
    ).json()["items"]
    # before any report, as of 1 January: the Annex 2 targets already apply (A16); C2.1 counts its 10 pre-phase
    # projects as not done (15 - 10 × 0.5 = 10), every other item scores 0
    assert history[0]["as_of"] == "2019-01-01" and history[0]["total"] == 10
    assert history[-1]["total"] == sheet["total"] and len(history) == 2
    facts = (
        await platform.client.get(f"{API}/units/{own}/facts", params={"year": 2019}, headers=headers)
    ).json()
    assert facts["units"][0]["key_projects"][0]["completed_10k"] == "500.00"
    # units see published standings only, and there are none yet
    assert (await platform.client.get(f"{API}/standings", params=COUNTY, headers=headers)).status_code == 404


async def test_publishing_freezes_the_standings_and_the_rule_set_version(platform: Platform) -> None:
    units = await leader(platform)
    response = await platform.client.post(f"{API}/assessments", json={"rule_set_id": "2019-county"})
    assert response.status_code == 201, response.text
    published = response.json()
    assert (published["published"], published["rule_set_version"]) == (True, 1)
    assert published["units"][0]["unit"] == "汉滨区"
    headers = unit_headers(platform, units["汉阴县"])
    seen = (await platform.client.get(f"{API}/standings", params=COUNTY, headers=headers)).json()
    assert seen["assessment_id"] == published["assessment_id"] and seen["units"] == published["units"]
    facts = await platform.client.get(
        f"{API}/assessments/{published['assessment_id']}/facts", headers=headers
    )
    offline = compute(load_builtin_rule_set("2019-county"), parse_facts(facts.text))
    assert [(u.unit, u.rank, u.award, float(u.total)) for u in offline.units] == [
        (u["unit"], u["rank"], u["award"], u["total"]) for u in published["units"]
    ]
    read = await platform.client.get(f"{API}/rule-sets/2019-county")
    rule_set = read.json()
    assert rule_set["published"] is True
    rule_set["rule_set"]["settings"]["a5_not_applicable"] = "zero"
    revised = await platform.client.put(
        f"{API}/rule-sets/2019-county", json=rule_set["rule_set"], headers={"If-Match": read.headers["ETag"]}
    )
    assert revised.json()["version"] == 2
    live = (await platform.client.get(f"{API}/standings", params=COUNTY)).json()
    assert (live["rule_set_version"], live["published"]) == (2, False)
    again = (await platform.client.get(f"{API}/standings", params=COUNTY | {"published": True})).json()
    assert (again["rule_set_version"], again["units"]) == (1, published["units"])
    listed = (await platform.client.get(f"{API}/assessments", params={"year": 2019}, headers=headers)).json()[
        "items"
    ]
    assert [a["id"] for a in listed] == [published["assessment_id"]]


async def test_the_standings_export_to_xlsx_in_the_annex_3_layout(platform: Platform) -> None:
    await leader(platform)
    response = await platform.client.get(f"{API}/standings.xlsx", params=COUNTY)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[0] == "排名" and len(workbook.sheetnames) == 14
    ranking = [list(row) for row in workbook["排名"].iter_rows(min_row=3, max_row=5, values_only=True)]
    assert ranking[0][:5] == ["排名", "单位", "总分", "奖项", "评奖资格"]
    assert ranking[1][:4] == [1, "汉滨区", ranking[1][2], "一等奖"]
    sheet = workbook["汉阴县"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[1] == ["县（区）：汉阴县", *[None] * (len(rows[1]) - 1)][: len(rows[1])]
    assert rows[3] == ["序号", "考核内容", "标准分值", "评分标准", "得分", "计分说明"]
    c11 = rows[4]
    assert (c11[0], c11[1], c11[2], c11[4]) == ("C1.1", "市级重点建设项目完成情况", 35, 12.5)
    assert str(c11[3]).startswith("各县区市级重点建设项目完成投资额") and "500/1000" in str(c11[5])
    assert rows[14][0] == "合计"
    office = (
        await platform.client.get(
            f"{API}/units/{(await unit_ids(platform, 'county'))['汉阴县']}/sheet", params={"year": 2019}
        )
    ).json()
    assert Decimal(str(rows[14][4])) == Decimal(str(office["total"]))
    headers = unit_headers(platform, (await unit_ids(platform, "county"))["汉阴县"])
    assert (
        await platform.client.get(f"{API}/standings.xlsx", params=COUNTY, headers=headers)
    ).status_code == 404
