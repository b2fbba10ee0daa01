"""The facts read model: the registry's events and the office's judgements, folded into a unit's facts."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from integration.scoring.scoring_support import (
    assert_problem,
    progress,
    publish,
    register_project,
    unit_headers,
    unit_ids,
)

from gongjian_scoring.engine import UnitFacts, load_builtin_rule_set
from gongjian_scoring.facts.documents import collect
from gongjian_shared.clock import Clock, business_today
from gongjian_shared.events.projects import (
    PlannedProjectUpdated,
    PrephaseProcedureUpdated,
    ProjectCompleted,
    ProjectRemovedFromPlan,
    ProjectStarted,
    ProjectUpdated,
)
from support.platform import Platform, eventually

pytestmark = pytest.mark.asyncio


async def facts_of(platform: Platform, unit_id: str, rule_set: str = "2019-county") -> UnitFacts | None:
    async with platform.context("scoring-worker").sessionmaker() as session:
        collected = await collect(session, load_builtin_rule_set(rule_set), [uuid.UUID(unit_id)])
    return collected[0].facts if collected else None


async def wait_for(platform: Platform, unit_id: str, check: Any, rule_set: str = "2019-county") -> UnitFacts:
    found: list[UnitFacts] = []

    async def holds() -> bool:
        facts = await facts_of(platform, unit_id, rule_set)
        if facts is not None and check(facts):
            found.append(facts)
            return True
        return False

    await eventually(holds, timeout=20, what="the facts read model to show the change")
    return found[0]


async def test_registry_events_fold_into_the_units_facts(platform: Platform) -> None:
    unit = (await unit_ids(platform, "county"))["汉滨区"]
    started = await register_project(platform, unit, 1, planned="12000", plan_category="new-start")
    finished = await register_project(
        platform, unit, 2, planned="500", plan_category="completion", planned_completion="2019-10-31"
    )
    removed = await register_project(platform, unit, 3, planned="800")
    prephase = await register_project(platform, unit, 4, kind="prephase", planned="0")
    planned = await register_project(platform, unit, 5, kind="planned", planned="0", total="250000")
    await publish(platform, progress(unit, started, 10, "11000"))
    u, y = uuid.UUID(unit), 2019
    await publish(
        platform,
        ProjectStarted(
            project_id=uuid.UUID(started),
            unit_id=u,
            year=y,
            started_on=date(2019, 5, 20),
            recognised_on=date(2019, 6, 3),
        ),
        ProjectCompleted(
            project_id=uuid.UUID(finished),
            unit_id=u,
            year=y,
            completed_on=date(2019, 10, 30),
            recognised_on=date(2019, 11, 5),
        ),
        ProjectRemovedFromPlan(
            project_id=uuid.UUID(removed),
            unit_id=u,
            year=y,
            removed_on=date(2019, 8, 1),
            reason="不能如期开工",
            approved_by="市发改委",
        ),
        PrephaseProcedureUpdated(
            project_id=uuid.UUID(prephase),
            unit_id=u,
            year=y,
            procedure="环评",
            status="批复",
            actual_date=date(2019, 9, 1),
            prephase_done=True,
        ),
        PlannedProjectUpdated(
            project_id=uuid.UUID(planned),
            unit_id=u,
            year=y,
            total_investment_10k=Decimal("1200000"),
            depth="feasibility",
            in_prephase_plan_and_filed=True,
            proposed_for_next_year=True,
        ),
        ProjectUpdated(
            project_id=uuid.UUID(started),
            unit_id=u,
            year=y,
            kind="key",
            name="项目1",
            code="2019-610902-48-01-000001",
            plan_category="new-start",
            total_investment_10k=Decimal(100000),
            planned_investment_10k=Decimal(12000),
            planned_start=None,
            planned_completion=None,
            status="in-progress",
            provincial_key=True,
        ),
    )
    facts = await wait_for(platform, unit, lambda f: f.key_projects and f.key_projects[0].provincial_key)
    key = {p.code[-1]: p for p in facts.key_projects or []}
    assert sorted(key) == ["1", "2", "3"]
    assert key["1"].model_dump(exclude={"code"}) == {
        "planned_10k": Decimal(12000),
        "completed_10k": Decimal(11000),
        "new_start": True,
        "started_on": date(2019, 5, 20),
        "planned_completion": False,
        "completed_on": None,
        "removed_on": None,
        "provincial_key": True,
        "ahead_of_schedule": True,
    }
    assert (key["2"].planned_completion, key["2"].completed_on, key["2"].completed_10k) == (
        True,
        date(2019, 10, 30),
        0,
    )
    assert key["3"].removed_on == date(2019, 8, 1)
    assert [(p.code[-1], p.done) for p in facts.prephase_projects or []] == [("4", True)]
    assert [p.model_dump(exclude={"code"}) for p in facts.planned_projects or []] == [
        {
            "total_investment_10k": Decimal(1200000),
            "depth": "feasibility",
            "in_prephase_plan_and_filed": True,
            "proposed_for_next_year": True,
        }
    ]
    assert facts.planning_task_done is True


async def record(
    platform: Platform, unit: str, body: dict[str, Any], headers: dict[str, str] | None = None
) -> Any:
    return await platform.client.post(f"/api/v1/scoring/units/{unit}/judgements", json=body, headers=headers)


JUDGEMENTS = [
    {
        "kind": "media",
        "level": "city",
        "published_on": "2019-04-01",
        "title": "汉江五桥开工",
        "link": "https://ak.example/1",
    },
    {
        "kind": "media",
        "level": "city",
        "published_on": "2019-05-01",
        "title": "二期",
        "link": "https://ak.example/2",
    },
    {
        "kind": "media",
        "level": "central",
        "published_on": "2019-06-01",
        "title": "新闻联播",
        "link": "https://ak.example/3",
    },
    {"kind": "reporting_finding", "finding": "late", "found_on": "2019-07-10", "description": "6月进度迟报"},
    {"kind": "support_failure", "severe": True, "found_on": "2019-08-10", "description": "征迁未保障"},
    {"kind": "planning_funds", "amount_10k": "250.50", "in_place_on": "2019-03-01"},
    {"kind": "planning_funds", "amount_10k": "100", "in_place_on": "2019-09-01"},
    {
        "kind": "disqualifying_incident",
        "category": "work_safety",
        "occurred_on": "2019-09-09",
        "description": "较大安全事故",
    },
]


async def sheet_of(platform: Platform, unit: str) -> dict[str, Any]:
    response = await platform.client.get(f"/api/v1/scoring/units/{unit}/sheet", params={"year": 2019})
    assert response.status_code == 200, response.text
    sheet: dict[str, Any] = response.json()
    return sheet


async def test_the_offices_judgements_with_evidence_actor_and_time_fold_into_the_facts(
    platform: Platform,
) -> None:
    unit = (await unit_ids(platform, "county"))["汉阴县"]
    recorded = []
    for body in JUDGEMENTS:
        response = await record(platform, unit, {"year": 2019, "evidence": "督查通报 2019-12 号", **body})
        assert response.status_code == 201, response.text
        recorded.append(response.json())
    assert all(j["recorded_by"] == "admin" and j["recorded_at"] and j["evidence"] for j in recorded)
    facts = await facts_of(platform, unit)
    assert facts is not None
    assert facts.media is not None and facts.media.model_dump() == {
        "own_channels": 0,
        "city": 2,
        "provincial": 0,
        "central": 1,
    }
    assert (facts.reporting_findings, facts.planning_funds_in_place_10k) == (1, Decimal("350.50"))
    assert [f.severe for f in facts.support_failures or []] == [True]
    assert facts.disqualifying_incident is True
    incident = recorded[-1]["id"]
    assert (await sheet_of(platform, unit))["eligible"] is False
    withdrawn = await platform.client.post(
        f"/api/v1/scoring/judgements/{incident}/withdraw", json={"reason": "经核实非辖区项目"}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert (withdrawn.json()["withdrawn_by"], withdrawn.json()["withdrawal_reason"]) == (
        "admin",
        "经核实非辖区项目",
    )
    facts = await facts_of(platform, unit)
    assert facts is not None and facts.disqualifying_incident is False
    # withdrawing rescored the unit in the same transaction: its live sheet no longer disqualifies it
    assert (await sheet_of(platform, unit))["eligible"] is True
    before = await sheet_of(platform, unit)
    again = await platform.client.post(
        f"/api/v1/scoring/judgements/{incident}/withdraw", json={"reason": "x"}
    )
    # withdrawing it again is a conflict with its state, not bad input, and changes nothing
    problem = assert_problem(again, 409, ("judgement_id", "not-withdrawn"))
    assert problem["type"].endswith("/judgement-withdrawn") and problem["status"] == 409
    listed = await platform.client.get(
        f"/api/v1/scoring/units/{unit}/judgements", params={"year": 2019, "include_withdrawn": True}
    )
    assert listed.json()["total"] == len(JUDGEMENTS)
    kept = next(j for j in listed.json()["items"] if j["id"] == incident)
    assert (kept["withdrawal_reason"], kept["withdrawn_at"]) == (
        "经核实非辖区项目",
        withdrawn.json()["withdrawn_at"],
    )
    assert await sheet_of(platform, unit) == before
    own = await platform.client.get(
        f"/api/v1/scoring/units/{unit}/judgements", headers=unit_headers(platform, unit)
    )
    assert own.json()["total"] == len(JUDGEMENTS) - 1


async def test_a_departments_mechanism_check_counts_at_its_latest(platform: Platform) -> None:
    unit = (await unit_ids(platform, "department"))["市住建局"]
    for established in (False, True):
        body = {
            "kind": "mechanism_check",
            "year": 2019,
            "evidence": "检查记录",
            "established": established,
            "managed": True,
            "monthly_reporting": False,
            "checked_on": "2019-11-01",
        }
        assert (await record(platform, unit, body)).status_code == 201
    facts = await facts_of(platform, unit, "2019-department")
    assert facts is not None and facts.mechanism is not None
    assert facts.mechanism.model_dump() == {"established": True, "managed": True, "monthly_reporting": False}


BAD_JUDGEMENTS = [
    (
        {"kind": "media", "level": "city", "published_on": "2018-12-31", "title": "t", "link": "l"},
        "body.media",
        "cross_field",
    ),
    (
        {"kind": "media", "level": "county", "published_on": "2019-01-02", "title": "t", "link": "l"},
        "body.media.level",
        "literal_error",
    ),
    ({"kind": "lottery"}, "body", "union_tag_invalid"),
    (
        {"kind": "planning_funds", "amount_10k": -1, "in_place_on": "2019-03-01"},
        "body.planning_funds.amount_10k",
        "greater_than_equal",
    ),
    (
        {
            "kind": "support_failure",
            "severe": True,
            "found_on": "2019-03-01",
            "description": "x",
            "evidence": "",
        },
        "body.support_failure.evidence",
        "string_too_short",
    ),
]


async def test_bad_judgements_are_refused_naming_the_field_and_nothing_is_stored(
    platform: Platform, clock: Clock
) -> None:
    unit = (await unit_ids(platform, "county"))["石泉县"]
    for body, field, rule in BAD_JUDGEMENTS:
        assert_problem(
            await record(platform, unit, {"year": 2019, "evidence": "e", **body}), 422, (field, rule)
        )
    tomorrow = business_today(clock) + timedelta(days=1)
    future = {"kind": "support_failure", "year": tomorrow.year, "evidence": "e", "severe": False}
    response = await record(platform, unit, future | {"found_on": tomorrow.isoformat(), "description": "x"})
    assert_problem(response, 422, ("body.found_on", "not-in-future"))
    assert (await platform.client.get(f"/api/v1/scoring/units/{unit}/judgements")).json()["items"] == []


async def test_only_the_office_records_judgements_and_only_for_scored_units(platform: Platform) -> None:
    unit = (await unit_ids(platform, "county"))["石泉县"]
    body = {
        "kind": "reporting_finding",
        "year": 2019,
        "evidence": "e",
        "finding": "false",
        "found_on": "2019-05-05",
        "description": "虚报",
    }
    assert (await record(platform, unit, body, unit_headers(platform, unit))).status_code == 403
    other = (await unit_ids(platform, "county"))["汉滨区"]
    assert (
        await platform.client.get(
            f"/api/v1/scoring/units/{other}/judgements", headers=unit_headers(platform, unit)
        )
    ).status_code == 404
    enterprise = next(iter((await unit_ids(platform, "enterprise")).values()))
    assert (await record(platform, enterprise, body)).status_code == 404
    assert (await record(platform, str(uuid.uuid4()), body)).status_code == 404
    assert (await platform.client.get(f"/api/v1/scoring/units/{unit}/judgements")).json()["items"] == []
