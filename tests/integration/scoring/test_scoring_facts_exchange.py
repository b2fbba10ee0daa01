"""The facts document: export for a unit or a rule set, scored offline by the CLI; import, validated."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path
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
from sqlalchemy import text

from gongjian_scoring.engine import compute, load_builtin_rule_set, parse_facts
from gongjian_shared.events.projects import ProjectStarted
from support.platform import Platform, eventually

pytestmark = pytest.mark.asyncio

SPEC_UNIT_FIELDS = {
    "unit",
    "targets",
    "key_projects",
    "prephase_projects",
    "planning_task_done",
    "planned_projects",
    "planning_funds_in_place_10k",
    "media",
    "reporting_findings",
    "support_failures",
    "mechanism",
    "disqualifying_incident",
}
SPEC_KEY_PROJECT_FIELDS = {
    "code",
    "planned_10k",
    "completed_10k",
    "new_start",
    "started_on",
    "planned_completion",
    "completed_on",
    "removed_on",
    "provincial_key",
    "ahead_of_schedule",
}


async def unit_facts(platform: Platform, unit: str, **params: Any) -> Any:
    return await platform.client.get(f"/api/v1/scoring/units/{unit}/facts", params={"year": 2019, **params})


async def test_a_units_facts_export_in_the_specs_shape_and_score_offline(
    platform: Platform, tmp_path: Path
) -> None:
    unit = (await unit_ids(platform, "county"))["汉滨区"]
    project = await register_project(platform, unit, 1, planned="12000", plan_category="new-start")
    await publish(platform, progress(unit, project, 5, "11000.25"))
    await publish(
        platform,
        ProjectStarted(
            project_id=uuid.UUID(project),
            unit_id=uuid.UUID(unit),
            year=2019,
            started_on=date(2019, 5, 20),
            recognised_on=date(2019, 6, 3),
        ),
    )
    funds = {
        "kind": "planning_funds",
        "year": 2019,
        "evidence": "财政拨款文件",
        "amount_10k": "350",
        "in_place_on": "2019-03-01",
    }
    assert (
        await platform.client.post(f"/api/v1/scoring/units/{unit}/judgements", json=funds)
    ).status_code == 201

    async def started() -> bool:
        document = (await unit_facts(platform, unit)).json()
        projects = document["units"][0]["key_projects"]
        return (
            bool(projects)
            and projects[0]["started_on"] == "2019-05-20"
            and projects[0]["completed_10k"] == "11000.25"
        )

    await eventually(started, timeout=20, what="the start and the report in the facts")
    response = await unit_facts(platform, unit)
    document = response.json()
    assert (document["rule_set"], document["year"]) == ("2019-county", 2019)
    assert date.fromisoformat(document["as_of"]) >= date(2019, 6, 3)
    [facts] = document["units"]
    assert set(facts) == SPEC_UNIT_FIELDS and facts["unit"] == "汉滨区"
    [key] = facts["key_projects"]
    assert set(key) == SPEC_KEY_PROJECT_FIELDS
    assert (key["code"], key["planned_10k"], key["new_start"]) == (
        "2019-610902-48-01-000001",
        "12000.00",
        True,
    )
    assert facts["planning_funds_in_place_10k"] == "350.00"
    path = tmp_path / "facts.json"
    path.write_text(response.text, encoding="utf-8")
    cli = await asyncio.to_thread(
        subprocess.run,
        [
            str(Path(sys.executable).parent / "gongjian"),
            "score",
            "--rule-set",
            "2019-county",
            "--facts",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert cli.returncode == 0, cli.stderr
    sheet = json.loads(cli.stdout)
    expected = compute(load_builtin_rule_set("2019-county"), parse_facts(response.text))
    assert sheet == expected.model_dump(mode="json")
    assert sheet["units"][0]["items"][4]["points"] == 1.5  # C2.3: 3 full 100 万元 of 350


async def test_the_office_exports_every_unit_of_a_rule_set(platform: Platform) -> None:
    counties = await unit_ids(platform, "county") | await unit_ids(platform, "zone")
    await unit_ids(platform, "department")
    county = (await platform.client.get("/api/v1/scoring/facts", params={"rule_set": "2019-county"})).json()
    assert sorted(u["unit"] for u in county["units"]) == sorted(counties)
    department = (
        await platform.client.get("/api/v1/scoring/facts", params={"rule_set": "2019-department"})
    ).json()
    assert len(department["units"]) == 21
    parse_facts(json.dumps(department))
    missing = await platform.client.get("/api/v1/scoring/facts", params={"rule_set": "2031-county"})
    assert missing.status_code == 404


async def test_units_export_only_their_own_facts(platform: Platform) -> None:
    names = await unit_ids(platform, "county")
    own, other = names["汉滨区"], names["汉阴县"]
    headers = unit_headers(platform, own)
    assert (
        await platform.client.get(
            f"/api/v1/scoring/units/{own}/facts", params={"year": 2019}, headers=headers
        )
    ).status_code == 200
    assert (
        await platform.client.get(
            f"/api/v1/scoring/units/{other}/facts", params={"year": 2019}, headers=headers
        )
    ).status_code == 404, "another unit's facts answer 404, as a missing unit's do"
    whole = await platform.client.get(
        "/api/v1/scoring/facts", params={"rule_set": "2019-county"}, headers=headers
    )
    assert whole.status_code == 403
    no_rule_set = await platform.client.get(f"/api/v1/scoring/units/{own}/facts", params={"year": 2031})
    assert no_rule_set.status_code == 404


async def test_an_export_cannot_be_dated_before_its_facts(platform: Platform) -> None:
    unit = (await unit_ids(platform, "county"))["汉滨区"]
    await register_project(platform, unit, 1)
    await eventually(lambda: _has_projects(platform, unit), timeout=20, what="the project in the facts")
    assert_problem(await unit_facts(platform, unit, as_of="2019-01-01"), 422, ("as_of", "not-before-facts"))


async def _has_projects(platform: Platform, unit: str) -> bool:
    return bool((await unit_facts(platform, unit)).json()["units"][0]["key_projects"])


def facts_doc(**unit: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "unit": "汉滨区",
        "key_projects": [
            {
                "code": "2019-610902-48-01-000001",
                "planned_10k": 12000,
                "completed_10k": 11000,
                "new_start": True,
                "started_on": "2019-05-20",
                "planned_completion": False,
                "completed_on": None,
                "removed_on": None,
                "provincial_key": False,
                "ahead_of_schedule": False,
            }
        ],
        "prephase_projects": [{"code": "Q1", "done": True}],
        "planning_task_done": True,
        "planned_projects": [
            {
                "code": "P1",
                "total_investment_10k": 250000,
                "depth": "proposal",
                "in_prephase_plan_and_filed": False,
                "proposed_for_next_year": False,
            }
        ],
        "planning_funds_in_place_10k": 350,
        "media": {"own_channels": 0, "city": 3, "provincial": 1, "central": 0},
        "reporting_findings": 0,
        "support_failures": [{"severe": False}],
        "disqualifying_incident": False,
    }
    return {"rule_set": "2019-county", "year": 2019, "as_of": "2019-12-31", "units": [base | unit]}


async def post_import(platform: Platform, document: Any, **params: Any) -> Any:
    return await platform.client.post(
        "/api/v1/scoring/facts/imports",
        content=json.dumps(document),
        params=params,
        headers={"Content-Type": "application/json"},
    )


async def imports(platform: Platform) -> int:
    async with platform.context("scoring-worker").sessionmaker() as session:
        return int(await session.scalar(text("SELECT count(*) FROM scoring.facts_import")) or 0)


async def test_an_imported_facts_document_is_scored_and_kept(platform: Platform) -> None:
    response = await post_import(platform, facts_doc())
    assert response.status_code == 201, response.text
    imported = response.json()
    assert (imported["rule_set_id"], imported["rule_set_version"], imported["imported_by"]) == (
        "2019-county",
        1,
        "admin",
    )
    expected = compute(load_builtin_rule_set("2019-county"), parse_facts(json.dumps(facts_doc())))
    assert imported["sheet"] == expected.model_dump(mode="json")
    again = await platform.client.get(f"/api/v1/scoring/facts/imports/{imported['id']}")
    assert again.json() == imported


def without(field: str) -> dict[str, Any]:
    document = facts_doc()
    del document["units"][0][field]
    return document


# (document, query, field, rule, the unit or kind named, status): 422 for a document wrong by itself (a date
# after its own as-of), 409 for one the stored rule set cannot score (a field it needs, another unit kind)
BAD_IMPORTS: list[tuple[Any, dict[str, str], str, str, str, int]] = [
    (
        without("planning_funds_in_place_10k"),
        {},
        "body.units.0.planning_funds_in_place_10k",
        "missing",
        "汉滨区",
        409,
    ),
    (
        facts_doc(planning_funds_in_place_10k=-5),
        {},
        "body.units.0.planning_funds_in_place_10k",
        "greater_than_equal",
        "汉滨区",
        422,
    ),
    (
        facts_doc(
            planned_projects=[
                {
                    "code": "P1",
                    "total_investment_10k": 1,
                    "depth": "blueprint",
                    "in_prephase_plan_and_filed": False,
                    "proposed_for_next_year": False,
                }
            ]
        ),
        {},
        "body.units.0.planned_projects.0.depth",
        "literal_error",
        "汉滨区",
        422,
    ),
    (
        {**facts_doc(), "as_of": "2019-05-01"},
        {},
        "body.units.0.key_projects.0.started_on",
        "date_after_as_of",
        "汉滨区",
        422,
    ),
    (facts_doc(), {"rule_set": "2019-department"}, "body.rule_set", "unit_kind_mismatch", "county", 409),
]


async def test_bad_facts_documents_are_refused_naming_unit_and_field_and_nothing_is_stored(
    platform: Platform,
) -> None:
    for document, params, field, rule, mentioned, status in BAD_IMPORTS:
        problem = assert_problem(await post_import(platform, document, **params), status, (field, rule))
        assert any(mentioned in e["message"] for e in problem["errors"]), problem
    assert_problem(
        await post_import(platform, {**facts_doc(), "rule_set": "2031-county"}),
        404,
        ("body.rule_set", "unknown_rule_set"),
    )
    assert await imports(platform) == 0
    county = (await unit_ids(platform, "county"))["汉滨区"]
    refused = await platform.client.post(
        "/api/v1/scoring/facts/imports", json=facts_doc(), headers=unit_headers(platform, county)
    )
    assert refused.status_code == 403
    assert await imports(platform) == 0
