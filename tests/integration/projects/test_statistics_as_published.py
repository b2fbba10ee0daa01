"""Acceptance (issue 12, item 4): statistics and bulletins do not rewrite the past.

A project taken off the plan in October leaves January to September and every frozen month exactly as they
were (the full JSON of every statistics route, before and after); a removal recorded after October froze
(dated in October) leaves October as it was published too. The Q2 bulletin published in July reads the same
in December; a unit reads it once published and is refused the draft before. The statistics routes all take
`?month=`; a bad month is a problem naming the field."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from integration.projects.conftest import Clocked
from integration.projects.registry_support import Actor, account, assert_problem, register, unit_ids
from openpyxl import load_workbook

from gongjian_shared.auth import Role
from support.platform import Platform

pytestmark = pytest.mark.asyncio

UNIT = "宁陕县"
ROUTES = ("units", "leaders", "city", "monthly", "targets")


async def accepted_report(
    platform: Platform, reporter: Actor, project_id: str, month: int, done: str
) -> None:
    submitted = await platform.client.post(
        f"/api/v1/projects/{project_id}/progress-reports",
        json={
            "year": 2019,
            "month": month,
            "completed_10k": done,
            "cumulative_10k": done,
            "physical_progress": "施工中",
            "image_progress_percent": "30",
        },
        headers=reporter.headers,
    )
    assert submitted.status_code == 201, submitted.text
    accepted = await platform.client.post(f"/api/v1/progress-reports/{submitted.json()['id']}/accept")
    assert accepted.status_code == 200, accepted.text


async def freeze(platform: Platform, *months: int) -> None:
    for month in months:
        response = await platform.client.post(f"/api/v1/progress-reports/months/2019/{month}/freeze")
        assert response.status_code == 200, response.text


async def statistics_of(platform: Platform, months: range) -> dict[tuple[str, int], Any]:
    """The full JSON of every statistics route of every month, as the office reads it."""
    result = {}
    for month in months:
        for route in ROUTES:
            response = await platform.client.get(f"/api/v1/statistics/2019/{route}", params={"month": month})
            assert response.status_code == 200, response.text
            result[(route, month)] = response.json()
    return result


async def remove(platform: Platform, project_id: str, removed_on: str) -> None:
    response = await platform.client.post(
        f"/api/v1/plans/2019/removals/{project_id}",
        json={"reason": "用地手续无法在年内办结", "removed_on": removed_on, "approved_by": "市政府常务会议"},
    )
    assert response.status_code == 200, response.text


async def a_plan_with_figures(clocked: Clocked) -> tuple[str, dict[str, str]]:
    """宁陕县: four key projects, two with May figures; January to June frozen."""
    platform = clocked.platform
    unit_id = (await unit_ids(platform))[UNIT]
    projects = {
        name: (
            await register(
                platform, unit_id, name=name, plan_category=category, planned_investment_10k=amount
            )
        )["id"]
        for name, category, amount in (
            ("宁陕新开工一", "new-start", "12000"),
            ("宁陕续建二", "continuing", "20000"),
            ("宁陕续建三", "continuing", "9000"),
            ("宁陕续建四", "continuing", "10000"),
        )
    }
    reporter = await account(platform, [Role.REPORTER], unit_id)
    await clocked.at(2019, 5, 26, 10)
    await reporter.sign_in(platform)
    await accepted_report(platform, reporter, projects["宁陕新开工一"], 5, "3000")
    await accepted_report(platform, reporter, projects["宁陕续建四"], 5, "2000")
    await clocked.at(2019, 7, 8, 9)
    await freeze(platform, 1, 2, 3, 4, 5, 6)
    return unit_id, projects


async def test_a_removal_leaves_the_months_before_it_and_every_frozen_month_as_published(
    clocked: Clocked,
) -> None:
    platform = clocked.platform
    _, projects = await a_plan_with_figures(clocked)

    # October: July to September are not frozen; a removal dated 15 October changes none of them
    await clocked.at(2019, 10, 20, 9)
    before = await statistics_of(platform, range(1, 11))
    await remove(platform, projects["宁陕续建四"], "2019-10-15")
    after = await statistics_of(platform, range(1, 11))
    for month in range(1, 10):
        for route in ROUTES:
            assert after[(route, month)] == before[(route, month)], (route, month)
    # the project leaves October and after, numerator and denominator alike (A8)
    city_before, city_after = before[("city", 10)], after[("city", 10)]
    assert (city_after["key_projects"], city_before["key_projects"]) == (
        city_before["key_projects"] - 1,
        city_after["key_projects"] + 1,
    )
    assert after[("units", 9)]["frozen"] is False and after[("units", 6)]["frozen"] is True

    # October freezes in November; a removal dated in October but recorded in December leaves it as published
    await clocked.at(2019, 11, 12, 9)
    await freeze(platform, 10)
    await clocked.at(2019, 12, 2, 9)
    published = await statistics_of(platform, range(1, 12))
    await remove(platform, projects["宁陕续建三"], "2019-10-31")
    later = await statistics_of(platform, range(1, 12))
    for month in range(1, 11):
        for route in ROUTES:
            assert later[(route, month)] == published[(route, month)], (route, month)
    assert later[("city", 11)]["key_projects"] == published[("city", 11)]["key_projects"] - 1
    assert later[("city", 11)]["planned_investment_10k"] != published[("city", 11)]["planned_investment_10k"]


async def test_the_q2_bulletin_read_in_december_is_the_one_published_in_july(clocked: Clocked) -> None:
    platform = clocked.platform
    unit_id, projects = await a_plan_with_figures(clocked)
    reporter = await account(platform, [Role.REPORTER], unit_id)
    other = await account(platform, [Role.REPORTER], (await unit_ids(platform))["汉滨区"])

    # before publication: the office reads a draft, a unit is refused
    draft = await platform.client.get("/api/v1/statistics/2019/quarterly/2")
    assert draft.status_code == 200, draft.text
    assert (draft.json()["status"], draft.json()["as_of"], draft.json()["frozen"]) == (
        "draft",
        "2019-06-30",
        True,
    )
    refused = await platform.client.get("/api/v1/statistics/2019/quarterly/2", headers=reporter.headers)
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert (
        await platform.client.post("/api/v1/statistics/2019/quarterly/2/publish", headers=reporter.headers)
    ).status_code == 403

    # Q3 cannot be published before September is frozen
    early = await platform.client.post("/api/v1/statistics/2019/quarterly/3/publish")
    assert early.status_code == 409 and early.json()["type"].endswith("quarter-not-frozen"), early.text

    published = await platform.client.post("/api/v1/statistics/2019/quarterly/2/publish")
    assert published.status_code == 200, published.text
    bulletin = published.json()
    assert bulletin["status"] == "published" and bulletin["published_at"].startswith("2019-07-08")
    red = {item["project_id"] for item in bulletin["red_projects"]}
    assert projects["宁陕续建二"] in red and projects["宁陕续建四"] in red  # nothing done by June
    [row] = [r for r in bulletin["counties_and_zones"] if r["name"] == UNIT]
    assert (row["key_projects"], row["completed_year_to_date_10k"]) == (4, "5000.00")
    again = await platform.client.post("/api/v1/statistics/2019/quarterly/2/publish")
    assert again.status_code == 409 and again.json()["type"].endswith("bulletin-published"), again.text

    # the year goes on: figures come in, a red project is taken off the plan, months freeze
    await clocked.at(2019, 9, 26, 9)
    await reporter.sign_in(platform)
    await accepted_report(platform, reporter, projects["宁陕续建二"], 9, "15000")
    await remove(platform, projects["宁陕续建四"], "2019-09-30")
    await clocked.at(2019, 10, 12, 9)
    await freeze(platform, 7, 8, 9)
    await clocked.at(2019, 12, 20, 9)
    for actor in (reporter, other):
        await actor.sign_in(platform)
    assert (await platform.client.get("/api/v1/statistics/2019/quarterly/2")).json() == bulletin
    for actor in (reporter, other):
        read = await platform.client.get("/api/v1/statistics/2019/quarterly/2", headers=actor.headers)
        assert read.status_code == 200, read.text
        assert read.json() == bulletin
    xlsx = await platform.client.get(
        "/api/v1/statistics/2019/quarterly/2", params={"format": "xlsx"}, headers=reporter.headers
    )
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"

    # the Q3 draft is as of 30 September: a project removed on the checkpoint's day no longer counts (A13)
    q3 = (await platform.client.get("/api/v1/statistics/2019/quarterly/3")).json()
    [row] = [r for r in q3["counties_and_zones"] if r["name"] == UNIT]
    assert (row["key_projects"], row["completed_year_to_date_10k"]) == (3, "18000.00")
    assert projects["宁陕续建四"] not in {item["project_id"] for item in q3["red_projects"]}
    assert (
        await platform.client.get("/api/v1/statistics/2019/quarterly/3", headers=other.headers)
    ).status_code == 403


async def test_every_statistics_route_takes_the_month_as_a_query_parameter(platform: Platform) -> None:
    for route in ROUTES:
        missing = await platform.client.get(f"/api/v1/statistics/2019/{route}")
        assert_problem(missing, 422, "month", "missing")
        thirteen = await platform.client.get(f"/api/v1/statistics/2019/{route}", params={"month": 13})
        assert thirteen.status_code == 422 and "month" in thirteen.text, thirteen.text
    # the old shape answers the same, marked deprecated in the OpenAPI document
    old = await platform.client.get("/api/v1/statistics/2019/monthly/6")
    new = await platform.client.get("/api/v1/statistics/2019/monthly", params={"month": 6})
    assert old.status_code == 200 and old.json() == new.json()
    paths = platform.app("projects-api").openapi()["paths"]
    assert paths["/api/v1/statistics/{year}/monthly/{month}"]["get"]["deprecated"] is True
    assert "deprecated" not in paths["/api/v1/statistics/{year}/monthly"]["get"]


async def test_annex2_targets_against_actuals_per_unit_and_for_the_city(clocked: Clocked) -> None:
    """宁陕县's targets (Annex 2): 6 key projects (2 new starts), 111,400 万元, 5 pre-phase, 10 planned (3 of
    >= 2 bn, 1 of >= 10 bn), 31 亿元 of domestic capital and 200 in the headerless column."""
    platform = clocked.platform
    units = await unit_ids(platform)
    unit_id = units[UNIT]
    key = await register(platform, unit_id, name="宁陕新开工", planned_investment_10k="12000")
    await register(
        platform, unit_id, name="宁陕续建", plan_category="continuing", planned_investment_10k="20000"
    )
    for name in ("宁陕前期一", "宁陕前期二"):
        await register(platform, unit_id, name=name, kind="prephase")
    for name, total in (("宁陕百亿", "1200000"), ("宁陕二十亿", "200000"), ("宁陕不足二十亿", "199999.99")):
        await register(
            platform,
            unit_id,
            name=name,
            kind="planned",
            total_investment_10k=total,
            planned={"depth": "proposal"},
        )
    for name, origin, funds in (
        ("宁陕内资", "domestic", "50000"),
        ("宁陕外资", "foreign", "30000"),
        ("宁陕未注明", None, "15000"),
    ):
        await register(
            platform,
            unit_id,
            name=name,
            kind="attraction",
            attraction={"stage": "signed", "funds_in_place_10k": funds}
            | ({"capital_origin": origin} if origin else {}),
        )
    reporter = await account(platform, [Role.REPORTER], unit_id)
    await clocked.at(2019, 5, 26, 10)
    await reporter.sign_in(platform)
    await accepted_report(platform, reporter, key["id"], 5, "3000")

    table = (await platform.client.get("/api/v1/statistics/2019/targets", params={"month": 5})).json()
    [row] = [r for r in table["rows"] if r["unit_name"] == UNIT]
    assert row == {
        "unit_id": unit_id,
        "unit_name": UNIT,
        "key_projects": {"target": 6, "actual": 2, "gap": -4, "done": False},
        "key_projects_new_start": {"target": 2, "actual": 0, "gap": -2, "done": False},
        "planned_investment_10k": {
            "target": "111400.00",
            "actual": "3000.00",
            "gap": "-108400.00",
            "percent": "2.69",
        },
        "prephase_projects": {"target": 5, "actual": 2, "gap": -3, "done": False},
        "planned_projects": {"target": 10, "actual": 3, "gap": -7, "done": False},
        "planned_projects_over_2bn": {"target": 3, "actual": 2, "gap": -1, "done": False},
        "planned_projects_over_10bn": {"target": 1, "actual": 1, "gap": 0, "done": True},
        "attraction_domestic_capital_100m": {
            "target": "31.00",
            "actual": "6.50",
            "gap": "-24.50",
            "percent": "20.97",
        },
        "attraction_other_target": "200.00",
    }
    city = table["city"]
    assert (city["key_projects"], city["key_projects_new_start"]["target"]) == (
        {"target": 200, "actual": 2, "gap": -198, "done": False},
        87,
    )
    assert city["planned_investment_10k"]["target"] == "4900882.00"
    assert (city["planned_projects"]["target"], city["planned_projects_over_2bn"]["target"]) == (301, 100)
    assert (city["planned_projects_over_10bn"]["target"], city["attraction_other_target"]) == (15, "5050.00")
    assert city["attraction_domestic_capital_100m"]["actual"] == "6.50"

    xlsx = await platform.client.get("/api/v1/statistics/2019/targets", params={"month": 5, "format": "xlsx"})
    assert xlsx.status_code == 200, xlsx.text
    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "安康市2019年县区、部门目标任务完成情况（1-5月）"
    assert (sheet["B2"].value, sheet["B3"].value, sheet["C3"].value, sheet["D3"].value) == (
        "重点建设项目个数（个）",
        "任务",
        "完成",
        "差额",
    )
    assert [sheet.cell(4, column).value for column in (1, 2, 3, 9)] == ["全市", 200, 2, 3000]
    [line] = [r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0] == UNIT]
    assert list(line) == [
        UNIT,
        6,
        2,
        -4,
        2,
        0,
        -2,
        111400,
        3000,
        -108400,
        5,
        2,
        -3,
        10,
        3,
        -7,
        3,
        2,
        -1,
        1,
        1,
        0,
        31,
        6.5,
        -24.5,
        200,
    ]

    # a unit reads its own row, not the city's nor another unit's
    own = await platform.client.get(
        "/api/v1/statistics/2019/targets", params={"month": 5}, headers=reporter.headers
    )
    assert own.status_code == 200, own.text
    assert ([r["unit_name"] for r in own.json()["rows"]], own.json()["city"]) == ([UNIT], None)
    other = await account(platform, [Role.REPORTER], units["汉滨区"])
    theirs = await platform.client.get(
        "/api/v1/statistics/2019/targets", params={"month": 5}, headers=other.headers
    )
    assert [r["unit_name"] for r in theirs.json()["rows"]] == ["汉滨区"]

    # once May is frozen, later registrations leave May's comparison as published
    await clocked.at(2019, 6, 12, 9)
    await freeze(platform, 5)
    frozen = (await platform.client.get("/api/v1/statistics/2019/targets", params={"month": 5})).json()
    assert frozen == table | {"frozen": True}
    await register(platform, unit_id, name="宁陕前期三", kind="prephase")
    assert (
        await platform.client.get("/api/v1/statistics/2019/targets", params={"month": 5})
    ).json() == frozen
    june = (await platform.client.get("/api/v1/statistics/2019/targets", params={"month": 6})).json()
    [row] = [r for r in june["rows"] if r["unit_name"] == UNIT]
    assert row["prephase_projects"]["actual"] == 3
