"""Live scoring: every relevant event rescores its unit, snapshots keep the trend, `score-updated` is emitted;
incremental rescoring and a recompute from scratch agree."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from integration.scoring.scoring_support import (
    item_points,
    live_scores,
    progress,
    publish,
    register_project,
    score_events,
    settle,
    unit_ids,
)

from gongjian_scoring.engine import compute, load_builtin_rule_set, parse_facts, rank_units
from gongjian_scoring.scores.repository import SnapshotRepository
from gongjian_scoring.scores.service import recompute, unpack
from gongjian_shared.clock import FrozenClock
from gongjian_shared.events.projects import ProjectStarted
from support.platform import Platform, eventually, platform_settings, running_platform

pytestmark = pytest.mark.asyncio


async def test_every_scored_unit_has_a_live_score_from_the_start(platform: Platform) -> None:
    await unit_ids(platform, "county")
    await settle(platform)
    county, department = await live_scores(platform), await live_scores(platform, "2019-department")
    assert len(county) == 13 and "瀛湖生态旅游区" in county and "国网安康供电公司" not in county
    assert len(department) == 21
    # a department with no key projects: D2 does not apply (A5)
    d2 = next(i for i in department["市民政局"]["result"]["items"] if i["id"] == "D2")
    assert d2["applicable"] is False and "不适用" in d2["explanation"]
    # each unit is scored as it arrives, then again when the year's Annex 2 targets arrive (A16, A17)
    events = await score_events(platform)
    assert len(events) == 68 and len({e["unit_id"] for e in events}) == 34


async def test_a_registry_event_rescores_its_unit_and_emits_score_updated(platform: Platform) -> None:
    unit = (await unit_ids(platform, "county"))["汉滨区"]
    await settle(platform)
    before = (await live_scores(platform))["汉滨区"]
    project = await register_project(platform, unit, 1, planned="12000")
    await publish(platform, progress(unit, project, 12, "11000"))

    async def rescored() -> bool:
        return item_points((await live_scores(platform))["汉滨区"]).get("C1.1") == 30.08

    await eventually(rescored, timeout=20, what="汉滨区 rescored")
    after = (await live_scores(platform))["汉滨区"]
    # C1.1: 11000/12000 × 35 = 32.0833, one project in [80%, 100%) of fewer than 5: -2 → 30.0833.
    # C1.2: no new start, no completion due: 15. With the Annex 2 targets every item applies (A16), nothing
    # is prorated: C2.1 counts its 10 pre-phase projects as not done (15 - 5 = 10), C2.2 0 (no planned
    # project), C2.3 and C3 0: 30.0833 + 15 + 10 = 55.08.
    assert after["total"] == Decimal("55.08")
    event = (await score_events(platform))[-1]
    assert (event["unit_name"], event["rule_set_id"], event["total"]) == ("汉滨区", "2019-county", "55.08")
    # the registration scored first: C1.2's 15 (no new start due) on top of C2.1's 10, before the report
    assert (before["total"], Decimal(event["previous_total"])) == (Decimal(10), Decimal(25))
    assert {i["id"]: i["points"] for i in event["items"]}["C1.1"] == "30.08"


async def test_incremental_rescoring_equals_a_recompute_from_scratch(platform: Platform) -> None:
    units = await unit_ids(platform, "county")
    projects = []
    for serial, name in enumerate(["汉滨区", "汉阴县", "石泉县"], start=1):
        project = await register_project(
            platform, units[name], serial, planned="1000", plan_category="new-start"
        )
        await publish(platform, progress(units[name], project, 3, str(300 * serial)))
        projects.append((units[name], project))
    await publish(
        platform,
        *[
            ProjectStarted(
                project_id=uuid.UUID(p),
                unit_id=uuid.UUID(u),
                year=2019,
                started_on=date(2019, 2, 1),
                recognised_on=date(2019, 3, 1),
            )
            for u, p in projects[:2]
        ],
    )
    media = {
        "kind": "media",
        "year": 2019,
        "evidence": "e",
        "level": "provincial",
        "published_on": "2019-05-05",
        "title": "t",
        "link": "l",
    }
    assert (
        await platform.client.post(f"/api/v1/scoring/units/{units['汉阴县']}/judgements", json=media)
    ).status_code == 201
    await settle(platform)
    live = await live_scores(platform)
    context = platform.context("scoring-worker")
    async with context.sessionmaker() as session:
        reports = await recompute(context.unit_of_work(session))
        await session.commit()
    assert [(r.rule_set_id, r.units, r.snapshots_written, r.events_emitted) for r in reports] == [
        ("2019-county", 13, 0, 0),
        ("2019-department", 21, 0, 0),
    ]
    assert await live_scores(platform) == live
    # and the same as scoring the exported facts offline, ranked
    exported = await platform.client.get("/api/v1/scoring/facts", params={"rule_set": "2019-county"})
    rule_set = load_builtin_rule_set("2019-county")
    offline = compute(rule_set, parse_facts(exported.text))
    ranked = rank_units(rule_set, [unpack(score["result"], rule_set) for score in live.values()])
    assert json.loads(json.dumps([u.model_dump(mode="json") for u in ranked])) == [
        u.model_dump(mode="json") for u in offline.units
    ]
    assert item_points(live["汉阴县"])["C3"] == 0.5


async def test_revising_the_rule_set_rescores_every_unit(platform: Platform) -> None:
    await unit_ids(platform, "county")
    await settle(platform)
    read = await platform.client.get("/api/v1/scoring/rule-sets/2019-county")
    data = read.json()["rule_set"]
    before = {name: s["total"] for name, s in (await live_scores(platform)).items()}
    c21 = next(item for item in data["items"] if item["id"] == "C2.1")
    c21["rule"]["per_missing"] = 1
    revised = await platform.client.put(
        "/api/v1/scoring/rule-sets/2019-county", json=data, headers={"If-Match": read.headers["ETag"]}
    )
    assert revised.status_code == 200
    scores = await live_scores(platform)
    # nothing reported yet: only C2.1 scores, each of the Annex 2 pre-phase projects not done (A16), now -1
    # each instead of -0.5 (a unit with a single pre-phase project: -5 either way)
    # (15 - N/2 before, 15 - N after: 2 × before - 15)
    after = {name: s["total"] for name, s in scores.items()}
    assert after == {
        name: total if name == "瀛湖生态旅游区" else 2 * total - 15 for name, total in before.items()
    }
    assert (before["汉滨区"], after["汉滨区"]) == (Decimal(10), Decimal(5))
    new_year = {**data, "id": "2020-county", "year": 2020}
    for item in new_year["items"]:
        for checkpoint in item["rule"].get("checkpoints", []):
            checkpoint["on"] = checkpoint["on"].replace("2019", "2020")
    assert (await platform.client.post("/api/v1/scoring/rule-sets", json=new_year)).status_code == 201
    assert len(await live_scores(platform, "2020-county")) == 13


async def test_snapshots_keep_the_trend_with_their_as_of_dates(database_url: str) -> None:
    clock = FrozenClock(datetime(2019, 7, 15, 2, tzinfo=UTC))
    async with running_platform(platform_settings(database_url), clock=clock) as platform:
        await platform.login()
        unit = (await unit_ids(platform, "county"))["汉阴县"]
        project = await register_project(platform, unit, 1, planned="1200")
        await publish(platform, progress(unit, project, 6, "500"))
        await settle(platform)
        clock.set(datetime(2019, 10, 8, 2, tzinfo=UTC))
        await publish(platform, progress(unit, project, 9, "900"))
        await settle(platform)
        async with platform.context("scoring-worker").sessionmaker() as session:
            history = await SnapshotRepository(session).history("2019-county", uuid.UUID(unit))
        # the seeded unit had no facts (as of 1 January), then facts of 15 July and of 8 October
        assert [(s.as_of, s.provisional) for s in history] == [
            (date(2019, 1, 1), True),
            (date(2019, 7, 15), True),
            (date(2019, 10, 8), True),
        ]
        # C1.1: 500/1200 × 35 = 14.58, then 900/1200 × 35 = 26.25; both below 80% of the annual plan,
        # one project (fewer than 5): -5
        assert [item_points({"result": s.result})["C1.1"] for s in history] == [0, 9.58, 21.25]
        await settle(platform)
