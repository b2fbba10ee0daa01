"""Rule sets stored in the database: the built-in 2019 sheets, new years' sheets, validation, versions."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import pytest
from integration.scoring.scoring_support import assert_problem, county_rules_of, unit_headers, unit_ids

from gongjian_scoring.engine import load_builtin_rule_set
from gongjian_scoring.models import PublishedAssessment
from gongjian_shared.clock import Clock
from support.platform import Platform

pytestmark = pytest.mark.asyncio

BASE = "/api/v1/scoring/rule-sets"


async def post(platform: Platform, data: Any, headers: dict[str, str] | None = None) -> Any:
    content = data if isinstance(data, str) else json.dumps(data)
    return await platform.client.post(
        BASE, content=content, headers={"Content-Type": "application/json", **(headers or {})}
    )


async def test_the_built_in_2019_rule_sets_are_stored_at_migration(platform: Platform) -> None:
    response = await platform.client.get(BASE, params={"year": 2019})
    assert response.status_code == 200, response.text
    listed = {r["id"]: r for r in response.json()["items"]}
    assert set(listed) == {"2019-county", "2019-department"}
    assert all(r["version"] == 1 and r["builtin"] and not r["published"] for r in listed.values())
    county = (await platform.client.get(f"{BASE}/2019-county")).json()
    assert county["unit_kind"] == "county"
    stored = json.loads(json.dumps(county["rule_set"]))
    assert [i["id"] for i in stored["items"]] == [i.id for i in load_builtin_rule_set("2019-county").items]
    assert stored["items"][0]["source_text"].startswith("各县区市级重点建设项目完成投资额")
    assert stored["settings"]["a6_award_share"] == "0.35"


async def test_the_office_creates_next_years_rule_set_with_exact_numbers(platform: Platform) -> None:
    data = county_rules_of(2020)
    data["settings"]["a6_award_share"] = 0.3
    response = await post(platform, data)
    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["id"], created["version"], created["year"], created["builtin"]) == (
        "2020-county",
        1,
        2020,
        False,
    )
    assert created["created_by"] == "admin"
    assert created["rule_set"]["settings"]["a6_award_share"] == "0.3"
    listed = (await platform.client.get(BASE)).json()["items"]
    assert {"2019-county", "2019-department", "2020-county"} <= {r["id"] for r in listed}


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        (lambda d: d["items"][3]["rule"].update(type="lottery"), "body.items.3.rule", "union_tag_invalid"),
        (lambda d: d["items"][5]["rule"].update(cap=-1), "body.items.5.rule.cap", "greater_than_equal"),
        (lambda d: d["items"][0]["rule"].pop("deduction_cap"), "body.items.0.rule.deduction_cap", "missing"),
        (
            lambda d: d["settings"].update(a15_tie_break_item="C9"),
            "body.settings.a15_tie_break_item",
            "cross_field",
        ),
    ],
)
async def test_a_bad_rule_set_is_a_422_naming_the_path_and_nothing_is_stored(
    platform: Platform, change: Any, field: str, rule: str
) -> None:
    data = county_rules_of(2020)
    change(data)
    assert_problem(await post(platform, data), 422, (field, rule))
    assert (await platform.client.get(f"{BASE}/2020-county")).status_code == 404


async def test_malformed_json_is_a_422(platform: Platform) -> None:
    assert_problem(await post(platform, '{"id": "2020-county"'), 422, ("body", "json_invalid"))


async def test_a_second_rule_set_for_an_id_or_a_year_and_kind_is_a_conflict(platform: Platform) -> None:
    assert (await post(platform, county_rules_of(2020))).status_code == 201
    assert_problem(await post(platform, county_rules_of(2020)), 409, ("body.id", "unique"))
    other = county_rules_of(2020) | {"id": "2020-county-b"}
    assert_problem(await post(platform, other), 409, ("body.unit_kind", "one-per-year-and-kind"))


async def test_units_read_rule_sets_but_only_the_office_writes_them(platform: Platform) -> None:
    county_id = (await unit_ids(platform, "county"))["汉滨区"]
    headers = unit_headers(platform, county_id)
    assert (await platform.client.get(BASE, headers=headers)).status_code == 200
    assert (await platform.client.get(f"{BASE}/2019-county", headers=headers)).status_code == 200
    assert (await post(platform, county_rules_of(2020), headers=headers)).status_code == 403
    revised = await platform.client.put(f"{BASE}/2019-county", json=county_rules_of(2020), headers=headers)
    assert revised.status_code == 403
    assert (await platform.client.get(f"{BASE}/2020-county")).status_code == 404


async def revise(platform: Platform, rule_set_id: str, change: Any) -> Any:
    read = await platform.client.get(f"{BASE}/{rule_set_id}")
    data = read.json()["rule_set"]
    change(data)
    return await platform.client.put(
        f"{BASE}/{rule_set_id}", json=data, headers={"If-Match": read.headers["ETag"]}
    )


async def test_an_unpublished_version_is_revised_in_place(platform: Platform) -> None:
    response = await revise(platform, "2019-county", lambda d: d["settings"].update(a5_not_applicable="zero"))
    assert response.status_code == 200, response.text
    revised = response.json()
    assert (revised["version"], revised["revision"]) == (1, 2)
    assert revised["rule_set"]["settings"]["a5_not_applicable"] == "zero"


async def test_a_published_version_is_immutable_and_a_change_makes_the_next_version(
    platform: Platform, clock: Clock
) -> None:
    context = platform.context("scoring-worker")
    async with context.sessionmaker() as session:
        session.add(
            PublishedAssessment(
                id=uuid.uuid4(),
                rule_set_id="2019-county",
                rule_set_version=1,
                year=2019,
                unit_kind="county",
                as_of=date(2019, 12, 31),
                provisional=False,
                sheet={},
                published_by="admin",
                published_at=clock.now(),
            )
        )
        await session.commit()
    assert (await platform.client.get(f"{BASE}/2019-county")).json()["published"] is True
    response = await revise(platform, "2019-county", lambda d: d["settings"].update(a5_not_applicable="zero"))
    assert response.status_code == 200, response.text
    assert (response.json()["version"], response.json()["published"]) == (2, False)
    first = (await platform.client.get(f"{BASE}/2019-county", params={"version": 1})).json()
    assert (first["revision"], first["rule_set"]["settings"]["a5_not_applicable"]) == (1, "prorate")
    latest = (await platform.client.get(f"{BASE}/2019-county")).json()
    assert (latest["version"], latest["rule_set"]["version"]) == (2, 2)


async def test_a_revision_keeps_id_year_and_kind(platform: Platform) -> None:
    response = await revise(platform, "2019-county", lambda d: d.update(id="2019-county-renamed"))
    assert_problem(response, 422, ("body.id", "unchanged"))
    assert (await platform.client.get(f"{BASE}/2019-county")).json()["revision"] == 1


async def test_an_unknown_rule_set_is_a_404(platform: Platform) -> None:
    response = await platform.client.get(f"{BASE}/2031-county")
    assert response.status_code == 404
    assert response.json()["title_zh"] == "考核评分表不存在"
