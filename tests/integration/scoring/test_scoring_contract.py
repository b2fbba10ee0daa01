"""The scoring API's contract: lists are pages, a rule set revision needs If-Match, amounts are decimal
strings, and bad input is a 4xx problem naming the field with nothing stored."""

from __future__ import annotations

import pytest
from integration.scoring.scoring_support import register_project, settle, unit_ids

from support.platform import Platform, eventually
from support.problems import problem

pytestmark = pytest.mark.asyncio

API = "/api/v1/scoring"


async def test_every_list_is_a_page_with_bounded_limit_and_offset(platform: Platform) -> None:
    unit = (await unit_ids(platform, "county"))["汉滨区"]
    for path, params in (
        (f"{API}/rule-sets", {}),
        (f"{API}/assessments", {}),
        (f"{API}/units/{unit}/judgements", {}),
        (f"{API}/units/{unit}/history", {"year": 2019}),
    ):
        page = await platform.client.get(path, params=params | {"limit": 1})
        assert page.status_code == 200, (path, page.text)
        assert set(page.json()) == {"items", "total", "limit", "offset"}, path
        assert len(page.json()["items"]) <= 1
        for bad, field in (({"limit": 0}, "limit"), ({"offset": "30195936683908878336"}, "offset")):
            problem(await platform.client.get(path, params=params | bad), 422, field)
    rule_sets = (await platform.client.get(f"{API}/rule-sets", params={"limit": 1, "offset": 1})).json()
    assert rule_sets["total"] >= 2 and len(rule_sets["items"]) == 1


async def test_a_rule_set_revision_needs_the_current_etag(platform: Platform) -> None:
    path = f"{API}/rule-sets/2019-county"
    read = await platform.client.get(path)
    data = read.json()["rule_set"]
    data["settings"]["a5_not_applicable"] = "zero"
    problem(await platform.client.put(path, json=data), 428, "If-Match")
    problem(await platform.client.put(path, json=data, headers={"If-Match": '"1.9"'}), 412, "If-Match")
    assert (await platform.client.get(path)).json()["rule_set"]["settings"] == read.json()["rule_set"][
        "settings"
    ]
    revised = await platform.client.put(path, json=data, headers={"If-Match": read.headers["ETag"]})
    assert revised.status_code == 200, revised.text
    assert revised.headers["ETag"] != read.headers["ETag"]
    assert revised.headers["ETag"] == (await platform.client.get(path)).headers["ETag"]


async def test_parameters_past_their_column_and_unknown_ids_are_422(platform: Platform) -> None:
    problem(
        await platform.client.get(f"{API}/rule-sets/2019-county", params={"version": 3413724283}),
        422,
        "version",
    )
    problem(await platform.client.get(f"{API}/rule-sets/2019%00county"), 422, "path")  # refused at the door
    problem(await platform.client.get(f"{API}/rule-sets/2019-County"), 422, "rule_set_id")
    problem(await platform.client.get(f"{API}/rule-sets", params={"year": 2147483647}), 422, "year")
    refused = await platform.client.post(f"{API}/assessments", json={"rule_set_id": "a\x00b"})
    problem(refused, 422, "rule_set_id")


async def test_an_assessment_dated_before_its_year_is_refused_and_nothing_is_published(
    platform: Platform,
) -> None:
    await unit_ids(platform, "county")
    response = await platform.client.post(
        f"{API}/assessments", json={"rule_set_id": "2019-county", "as_of": "2018-06-30"}
    )
    body = problem(response, 422, "as_of")
    assert "2019" in body["errors"][0]["message_zh"]
    assert (await platform.client.get(f"{API}/assessments")).json()["total"] == 0


async def test_amounts_in_the_facts_are_decimal_strings(platform: Platform) -> None:
    unit = (await unit_ids(platform, "county"))["汉滨区"]
    await register_project(platform, unit, 7, planned="1200", plan_category="new-start")

    async def registered() -> bool:
        facts = (await platform.client.get(f"{API}/units/{unit}/facts", params={"year": 2019})).json()
        return bool(facts["units"][0]["key_projects"])

    await eventually(registered, timeout=20, what="the project in the facts")
    await settle(platform)
    facts = (await platform.client.get(f"{API}/units/{unit}/facts", params={"year": 2019})).json()
    [project] = facts["units"][0]["key_projects"]
    assert project["planned_10k"] == "1200.00"


async def test_a_judgement_with_a_control_character_is_refused_and_nothing_is_stored(
    platform: Platform,
) -> None:
    unit = (await unit_ids(platform, "county"))["汉滨区"]
    path = f"{API}/units/{unit}/judgements"
    body = {
        "kind": "reporting_finding",
        "year": 2019,
        "finding": "late",
        "found_on": "2019-07-10",
        "evidence": "督查通报\x00",
        "description": "6月进度迟报",
    }
    problem(await platform.client.post(path, json=body), 422, "evidence")
    problem(
        await platform.client.post(path, json=body | {"evidence": "通报", "description": "迟\x0b报"}),
        422,
        "description",
    )
    assert (await platform.client.get(path)).json()["total"] == 0
