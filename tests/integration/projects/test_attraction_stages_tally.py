"""Investment attraction (招商引资): signed -> landed -> started, forward only and dated; amounts in 万元 and
万美元 kept apart; tallied per unit against Annex 2 and the notice's headline targets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from integration.projects.conftest import Clocked
from integration.projects.registry_support import account, assert_problem, events, register, unit_ids

from gongjian_shared.auth import Role

pytestmark = pytest.mark.asyncio


def attraction(**fields: Any) -> dict[str, Any]:
    return {"kind": "attraction", "plan_category": None, "planned_start": None, "attraction": fields}


async def test_an_attraction_project_moves_forward_one_dated_stage_at_a_time(clocked: Clocked) -> None:
    platform = clocked.platform
    await clocked.at(2019, 8, 10, 9)
    units = await unit_ids(platform)
    project = await register(
        platform, units["汉滨区"], **attraction(signed_on="2019-06-01", signed_amount_10k="60000")
    )
    assert (project["attraction"]["stage"], project["attraction"]["signed_on"]) == ("signed", "2019-06-01")
    url = f"/api/v1/projects/{project['id']}/attraction-stage"
    other = await account(platform, [Role.REPORTER], units["白河县"])
    liaison = await account(platform, [Role.LIAISON], units["汉滨区"])
    move = {"stage": "landed", "on": "2019-07-01"}
    assert (await platform.client.post(url, json=move, headers=other.headers)).status_code == 404
    assert (await platform.client.post(url, json=move, headers=liaison.headers)).status_code == 403
    jump = await platform.client.post(url, json={"stage": "started", "on": "2019-07-01"})
    assert jump.status_code == 409 and jump.json()["allowed"] == ["landed"]
    assert_problem(
        await platform.client.post(url, json={"stage": "landed", "on": "2019-05-31"}),
        409,
        "on",
        "after-previous-stage",
    )
    landed = await platform.client.post(url, json=move)
    assert landed.status_code == 200, landed.text
    assert (landed.json()["attraction"]["stage"], landed.json()["attraction"]["landed_on"]) == (
        "landed",
        "2019-07-01",
    )
    again = await platform.client.post(url, json=move)
    assert again.status_code == 409 and again.json()["allowed"] == ["started"]
    future = await platform.client.post(url, json={"stage": "started", "on": "2019-08-11"})
    assert_problem(future, 409, "on", "not-future")
    started = await platform.client.post(url, json={"stage": "started", "on": "2019-08-01"})
    assert started.json()["attraction"]["started_on"] == "2019-08-01"
    done = await platform.client.post(url, json={"stage": "started", "on": "2019-08-02"})
    assert done.status_code == 409 and done.json()["allowed"] == []
    updates = [e for e in await events(platform, "project-updated") if e["project_id"] == project["id"]]
    assert len(updates) == 2

    key = await register(platform, units["汉滨区"])
    not_attraction = await platform.client.post(f"/api/v1/projects/{key['id']}/attraction-stage", json=move)
    assert_problem(not_attraction, 422, "project_id", "attraction-only")
    unreached = await platform.client.post(
        "/api/v1/projects",
        json={
            "year": 2019,
            "name": "未落地项目",
            "unit_id": units["汉滨区"],
            "total_investment_10k": "1000",
            "planned_investment_10k": "0",
        }
        | attraction(stage="signed", landed_on="2019-07-01"),
    )
    assert_problem(unreached, 422, "attraction", "stage-dates")


async def test_attraction_is_tallied_per_unit_against_annex_2_and_the_notice(clocked: Clocked) -> None:
    platform = clocked.platform
    await clocked.at(2019, 8, 10, 9)
    units = await unit_ids(platform)
    hanbin, pingli = units["汉滨区"], units["平利县"]
    await register(
        platform,
        hanbin,
        **attraction(stage="started", signed_amount_10k="60000", funds_in_place_10k="10000"),
    )
    await register(
        platform,
        hanbin,
        **attraction(
            capital_origin="foreign",
            signed_amount_usd_10k="800",
            funds_in_place_usd_10k="300",
            funds_in_place_10k="50",
        ),
    )
    await register(
        platform,
        pingli,
        **attraction(stage="landed", signed_amount_10k="50000", returning_entrepreneur=True),
    )
    await register(platform, pingli, **attraction(signed_amount_10k="49999.99", funds_in_place_10k="2000"))

    table = (await platform.client.get("/api/v1/attraction/2019/tally")).json()
    rows = {row["name"]: row for row in table["rows"]}
    counts = ("projects", "landed", "started", "over_500m_cny", "foreign_enterprises", "returnee_projects")
    assert tuple(rows["汉滨区"][c] for c in counts) == (2, 1, 1, 1, 1, 0)
    assert tuple(rows["平利县"][c] for c in counts) == (2, 1, 0, 1, 0, 1)  # 50,000 万元 is 5亿元
    assert (rows["汉滨区"]["funds_in_place_10k"], rows["汉滨区"]["domestic_funds_in_place_10k"]) == (
        "10050.00",
        "10000.00",
    )
    assert (rows["汉滨区"]["signed_amount_usd_10k"], rows["汉滨区"]["funds_in_place_usd_10k"]) == (
        "800.00",
        "300.00",
    )
    assert Decimal(rows["汉滨区"]["target_funds_in_place_100m"]) == Decimal("83.5")
    assert rows["石泉县"]["projects"] == 0 and Decimal(
        rows["石泉县"]["target_funds_in_place_100m"]
    ) == Decimal("80.5")
    city = table["city"]
    assert tuple(city[c] for c in counts) == (4, 2, 1, 2, 1, 1)
    # the sum of the units' Annex 2 targets: the 13 counties and zones give the 合计 of 760亿元, the
    # departments' column adds 24.3 more as published
    assert Decimal(city["target_funds_in_place_100m"]) == Decimal("784.3")
    headline = {
        item["name"]: (Decimal(item["target"]), Decimal(item["actual"])) for item in table["headline"]
    }
    assert headline["投资5亿元以上项目"] == (Decimal(20), Decimal(2))
    assert headline["外资企业"] == (Decimal(10), Decimal(1))
    assert headline["返乡创业投资项目"] == (Decimal(100), Decimal(1))
    assert headline["招商引进内资（到位）"] == (Decimal(7_600_000), Decimal(12_000))
    assert headline["利用外资（到位）"] == (Decimal(4_000), Decimal(300))

    reporter = await account(platform, [Role.REPORTER], hanbin)
    own = (await platform.client.get("/api/v1/attraction/2019/tally", headers=reporter.headers)).json()
    assert ([row["name"] for row in own["rows"]], own["city"], own["headline"]) == (["汉滨区"], None, [])
