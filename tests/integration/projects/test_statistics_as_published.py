"""Acceptance (issue 12, item 4): statistics and bulletins do not rewrite the past.

A project taken off the plan in October leaves January to September and every frozen month exactly as they
were (the full JSON of every statistics route, before and after); a removal recorded after October froze
(dated in October) leaves October as it was published too. The Q2 bulletin published in July reads the same
in December; a unit reads it once published and is refused the draft before. The statistics routes all take
`?month=`; a bad month is a problem naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from integration.projects.conftest import Clocked
from integration.projects.registry_support import Actor, account, assert_problem, register, unit_ids

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
