"""Two years of plans (issue 12, item 1): the 2019 plan, carried into 2020 (年度计划结转). A continuing project
keeps its 2019 reports on its 2019 entry and its cumulative runs on into 2020; a planned project proposed for
next year enters 2020's key plan; a completion project completes in 2020; no false red for the continuing one;
what may not carry over is refused, item by item, and a refused batch creates nothing."""

from __future__ import annotations

from typing import Any

import pytest
from integration.projects.conftest import Clocked
from integration.projects.registry_support import assert_problem, count, events, register, unit_ids

from support.platform import Platform

pytestmark = pytest.mark.asyncio

ENTRIES = "SELECT count(*) FROM projects.projects"
CODE = "2019-610928-48-01-000777"


async def report(
    platform: Platform, project_id: str, year: int, month: int, done: str, cumulative: str
) -> Any:
    body = {"year": year, "month": month, "completed_10k": done, "cumulative_10k": cumulative}
    body |= {"physical_progress": "施工中", "image_progress_percent": "50"}
    return await platform.client.post(f"/api/v1/projects/{project_id}/progress-reports", json=body)


async def report_and_accept(
    platform: Platform, project_id: str, year: int, month: int, done: str, cumulative: str
) -> None:
    submitted = await report(platform, project_id, year, month, done, cumulative)
    assert submitted.status_code == 201, submitted.text
    accepted = await platform.client.post(f"/api/v1/progress-reports/{submitted.json()['id']}/accept")
    assert accepted.status_code == 200, accepted.text


async def recognise(platform: Platform, project_id: str, kind: str, day: str) -> None:
    url = f"/api/v1/projects/{project_id}/recognitions"
    applied = await platform.client.post(url, json={"kind": kind, "date": day, "description": "现场核实"})
    assert applied.status_code == 201, applied.text
    decided = await platform.client.post(f"{url}/{applied.json()['id']}/recognise")
    assert decided.status_code == 200, decided.text


def item(project: dict[str, Any], category: str, planned: str = "1200", **extra: Any) -> dict[str, Any]:
    return {
        "from_project_id": project["id"],
        "plan_category": category,
        "planned_investment_10k": planned,
    } | extra


async def carry(platform: Platform, year: int, *items: dict[str, Any]) -> Any:
    return await platform.client.post(f"/api/v1/plans/{year}/entries", json={"entries": list(items)})


async def the_2019_plan(clocked: Clocked) -> dict[str, dict[str, Any]]:
    """Registered in March 2019 and published; a new start started in April; reports through 2019."""
    platform = clocked.platform
    await clocked.at(2019, 3, 10, 9)
    unit = (await unit_ids(platform))["旬阳县"]
    leader = (
        await platform.client.post("/api/v1/leaders", json={"name": "王副市长", "level": "city"})
    ).json()
    common: dict[str, Any] = {"planned_investment_10k": "1200", "planned_start": None}
    made = {
        "new-start": await register(
            platform, unit, name="新建厂房", planned_start="2019-04-01", planned_completion="2021-12-31"
        ),
        "continuing": await register(
            platform,
            unit,
            name="续建公路",
            code=CODE,
            plan_category="continuing",
            planned_completion="2021-06-30",
            leader_ids=[leader["id"]],
            provincial_key=True,
            **common,
        ),
        "to-complete": await register(
            platform,
            unit,
            name="明年竣工",
            plan_category="continuing",
            planned_completion="2020-06-30",
            **common,
        ),
        "completed": await register(
            platform, unit, name="今年竣工", plan_category="completion", planned_investment_10k="100"
        ),
        "removed": await register(platform, unit, name="调出项目", plan_category="continuing", **common),
        "planned": await register(
            platform,
            unit,
            kind="planned",
            plan_category=None,
            name="策划园区",
            total_investment_10k="250000",
            planned_investment_10k="0",
            planned_start="2020-05-01",
            planned={"depth": "feasibility", "proposed_for_next_year": True},
        ),
        "not-proposed": await register(
            platform, unit, kind="planned", plan_category=None, name="远期策划", planned_investment_10k="0"
        ),
    }
    assert (await platform.client.post("/api/v1/plans/2019/publish")).status_code == 200
    await clocked.at(2019, 4, 20, 9)
    await recognise(platform, made["new-start"]["id"], "start", "2019-04-08")
    removal = {"reason": "资金未落实", "removed_on": "2019-04-20", "approved_by": "市政府常务会议"}
    removed = await platform.client.post(f"/api/v1/plans/2019/removals/{made['removed']['id']}", json=removal)
    assert removed.status_code == 200, removed.text

    await clocked.at(2019, 11, 26, 9)
    await report_and_accept(platform, made["continuing"]["id"], 2019, 11, "500", "3000")
    await report_and_accept(platform, made["new-start"]["id"], 2019, 11, "900", "900")
    await report_and_accept(platform, made["completed"]["id"], 2019, 11, "100", "4900")
    await recognise(platform, made["completed"]["id"], "completion", "2019-11-20")
    await clocked.at(2019, 12, 26, 9)
    await report_and_accept(platform, made["continuing"]["id"], 2019, 12, "700", "3700")
    await report_and_accept(platform, made["to-complete"]["id"], 2019, 12, "1200", "4200")
    return made


async def test_the_2019_plan_carried_into_2020(clocked: Clocked) -> None:
    platform = clocked.platform
    made = await the_2019_plan(clocked)
    await clocked.at(2020, 1, 10, 9)

    candidates = await platform.client.get("/api/v1/plans/2020/entries/candidates")
    assert candidates.status_code == 200, candidates.text
    suggested = {row["name"]: row["suggested_category"] for row in candidates.json()}
    assert suggested == {
        "新建厂房": "continuing",
        "续建公路": "continuing",
        "明年竣工": "completion",
        "策划园区": "new-start",
    }

    # refusals, each naming the item; the whole batch changes nothing
    before = await count(platform, ENTRIES)
    refused = await carry(
        platform, 2020, item(made["continuing"], "continuing"), item(made["completed"], "continuing")
    )
    assert_problem(refused, 409, "entries[1].from_project_id", "not-completed")
    assert refused.json()["errors"][0]["field"] == "entries[1].from_project_id"
    assert_problem(
        await carry(platform, 2020, item(made["removed"], "continuing")),
        409,
        "entries[0].from_project_id",
        "on-plan",
    )
    assert_problem(
        await carry(platform, 2020, item(made["not-proposed"], "new-start")),
        409,
        "entries[0].from_project_id",
        "proposed-for-next-year",
    )
    assert_problem(
        await carry(platform, 2021, item(made["continuing"], "continuing")),
        409,
        "entries[0].from_project_id",
        "previous-year",
    )
    assert_problem(
        await carry(platform, 2020, item(made["planned"], "continuing")),
        422,
        "entries[0].plan_category",
        "carried-category",
    )
    months = ["100"] * 12
    assert_problem(
        await carry(platform, 2020, item(made["to-complete"], "completion", "800", planned_by_month=months)),
        422,
        "entries[0].planned_by_month",
        "sums-to-annual",
    )
    assert await count(platform, ENTRIES) == before
    assert await count(platform, "SELECT count(*) FROM projects.projects WHERE year = 2020") == 0

    carried = await carry(
        platform,
        2020,
        item(made["continuing"], "continuing", planned_by_month=months),
        item(made["to-complete"], "completion", "800"),
        item(made["planned"], "new-start", "5000"),
    )
    assert carried.status_code == 201, carried.text
    road, finish, park = carried.json()["entries"]
    assert await count(platform, ENTRIES) == before + 3
    assert (road["year"], road["status"], road["plan_category"], road["code"]) == (
        2020,
        "started",
        "continuing",
        CODE,
    )
    assert (road["identity_id"], road["carried_from_id"]) == (
        made["continuing"]["identity_id"],
        made["continuing"]["id"],
    )
    assert road["leader_ids"] == made["continuing"]["leader_ids"] and road["provincial_key"] is True
    assert road["planned_by_month"] == ["100.00"] * 12
    assert (park["kind"], park["status"], park["plan_category"], park["name"]) == (
        "key",
        "planned",
        "new-start",
        "策划园区",
    )
    assert park["total_investment_10k"] == "250000.00" and park["planned"] is None
    registered = {e["project_id"]: e for e in await events(platform, "project-registered")}
    assert (registered[road["id"]]["identity_id"], registered[road["id"]]["carried_from_id"]) == (
        road["identity_id"],
        made["continuing"]["id"],
    )
    assert (registered[park["id"]]["kind"], registered[park["id"]]["year"]) == ("key", 2020)

    # carried twice: refused, nothing created
    again = await carry(platform, 2020, item(made["continuing"], "continuing"))
    assert_problem(again, 409, "entries[0].from_project_id", "not-carried-yet")
    assert await count(platform, ENTRIES) == before + 3
    candidates = await platform.client.get("/api/v1/plans/2020/entries/candidates")
    assert [row["name"] for row in candidates.json()] == ["新建厂房"]

    # the 2019 reports stay on the 2019 entry, reachable from the 2020 one
    detail = (await platform.client.get(f"/api/v1/projects/{road['id']}")).json()
    assert detail["other_years"] == [
        {
            "project_id": made["continuing"]["id"],
            "year": 2019,
            "kind": "key",
            "plan_category": "continuing",
            "status": "started",
        }
    ]
    old = await platform.client.get(f"/api/v1/projects/{made['continuing']['id']}/progress-reports")
    assert [(r["year"], r["month"], r["cumulative_10k"]) for r in old.json()["items"]] == [
        (2019, 12, "3700.00"),
        (2019, 11, "3000.00"),
    ]

    # January 2020: the cumulative continues from December 2019's
    await clocked.at(2020, 1, 28, 9)
    assert_problem(
        await report(platform, road["id"], 2020, 1, "100", "100"), 409, "cumulative_10k", "matches-history"
    )
    await report_and_accept(platform, road["id"], 2020, 1, "100", "3800")
    await report_and_accept(platform, finish["id"], 2020, 1, "800", "5000")

    # the completion project completes on the year's planned investment
    await recognise(platform, finish["id"], "completion", "2020-01-20")
    completed = (await platform.client.get(f"/api/v1/projects/{finish['id']}")).json()
    assert (completed["status"], completed["completed_on"]) == ("completed", "2020-01-20")

    # no red for the continuing project: judged on its investment, 100 of 1200 after January is on schedule
    evaluated = await platform.client.post("/api/v1/early-warning/2020/1/evaluate")
    assert evaluated.status_code == 200, evaluated.text
    warnings = {
        w["project_id"]: w for w in (await platform.client.get("/api/v1/early-warning/2020/projects")).json()
    }
    assert (warnings[road["id"]]["colour"], warnings[road["id"]]["reason"]) == ("green", "on schedule")
    assert warnings[park["id"]]["colour"] == "green"  # promoted, planned start in May: not late yet
    assert not [e for e in await events(platform, "project-behind-schedule") if e["project_id"] == road["id"]]


async def test_a_code_belongs_to_the_project_across_its_years(clocked: Clocked) -> None:
    platform = clocked.platform
    await clocked.at(2019, 3, 10, 9)
    unit = (await unit_ids(platform))["旬阳县"]
    old = await register(platform, unit, name="跨年项目", code=CODE, plan_category="continuing")
    other = await register(platform, unit, name="他项目", code="2019-610928-48-01-000888")
    await clocked.at(2020, 1, 10, 9)
    carried = await carry(platform, 2020, item(old, "continuing"))
    assert carried.status_code == 201, carried.text
    [new] = carried.json()["entries"]

    # another project may not take the code in any year; the project's own entries share it
    taken = await platform.client.post(
        "/api/v1/projects",
        json={
            "year": 2020,
            "kind": "key",
            "name": "重码",
            "code": CODE,
            "unit_id": unit,
            "total_investment_10k": "1",
            "planned_investment_10k": "1",
        },
    )
    assert_problem(taken, 409, "code", "unique")
    url = f"/api/v1/projects/{new['id']}"
    clash = await platform.client.patch(url, json={"code": other["code"]}, headers={"If-Match": '"1"'})
    assert_problem(clash, 409, "code", "unique")

    # a new code is the identity's: every year's entry carries it
    recoded = "2019-610928-48-01-000999"
    changed = await platform.client.patch(url, json={"code": recoded}, headers={"If-Match": '"1"'})
    assert changed.status_code == 200, changed.text
    before = (await platform.client.get(f"/api/v1/projects/{old['id']}")).json()
    assert (changed.json()["code"], before["code"], before["revision"]) == (recoded, recoded, 2)
    updated = [e for e in await events(platform, "project-updated") if e["project_id"] == old["id"]]
    assert [e["code"] for e in updated] == [recoded]
    again = await platform.client.patch(
        f"/api/v1/projects/{other['id']}", json={"code": CODE}, headers={"If-Match": '"1"'}
    )
    assert again.status_code == 200, again.text  # the old code is free again


async def test_a_correction_of_frozen_december_lands_in_the_next_years_entry(clocked: Clocked) -> None:
    platform = clocked.platform
    made = await the_2019_plan(clocked)
    await clocked.at(2020, 1, 10, 9)
    carried = await carry(platform, 2020, item(made["continuing"], "continuing"))
    assert carried.status_code == 201, carried.text
    [road] = carried.json()["entries"]
    frozen = await platform.client.post("/api/v1/progress-reports/months/2019/12/freeze")
    assert frozen.status_code == 200, frozen.text
    reports = f"/api/v1/projects/{made['continuing']['id']}/progress-reports"
    december = (await platform.client.get(reports)).json()["items"][0]
    amended = await platform.client.post(
        f"/api/v1/progress-reports/{december['id']}/amendments",
        json={"completed_10k": "750", "reason": "补报 12 月设备款"},
    )
    assert amended.status_code == 201, amended.text
    assert (amended.json()["lands_year"], amended.json()["lands_month"]) == (2020, 1)

    # the correction lands in the January report of the 2020 entry
    await clocked.at(2020, 1, 28, 9)
    assert_problem(
        await report(platform, road["id"], 2020, 1, "100", "3800"), 409, "cumulative_10k", "matches-history"
    )
    january = await report(platform, road["id"], 2020, 1, "100", "3850")
    assert january.status_code == 201, january.text
    assert january.json()["adjustment_10k"] == "50.00"
