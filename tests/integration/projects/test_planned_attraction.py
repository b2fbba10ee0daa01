"""Planned projects (策划包装) and attraction projects (招商引资) with the handover to a key project."""

from __future__ import annotations

import pytest
from integration.projects.registry_support import assert_problem, events, project_body, register, unit_ids

from support.platform import Platform

pytestmark = pytest.mark.asyncio


async def test_planned_projects_carry_tier_depth_and_say_so(platform: Platform) -> None:
    units = await unit_ids(platform)
    project = await register(
        platform,
        units["市文旅广电局"],
        kind="planned",
        total_investment_10k="250000",
        planned={"depth": "proposal", "in_prephase_plan_and_filed": True},
    )
    assert project["planned"] == {
        "depth": "proposal",
        "in_prephase_plan_and_filed": True,
        "proposed_for_next_year": False,
        "tier": "over-2bn",
    }
    assert project["attraction"] is None
    url = f"/api/v1/projects/{project['id']}"
    changed = await platform.client.patch(
        url,
        json={
            "total_investment_10k": "1200000",
            "planned": {"depth": "feasibility", "proposed_for_next_year": True},
        },
        headers={"If-Match": '"1"'},
    )
    assert changed.json()["planned"]["tier"] == "over-10bn", changed.text
    updates = [
        e for e in await events(platform, "planned-project-updated") if e["project_id"] == project["id"]
    ]
    assert [(e["depth"], e["proposed_for_next_year"]) for e in updates] == [
        ("proposal", False),
        ("feasibility", True),
    ]

    wrong_kind = await platform.client.post(
        "/api/v1/projects", json=project_body(units["汉滨区"], attraction={"stage": "signed"})
    )
    assert_problem(wrong_kind, 422, "attraction", "kind-mismatch")
    bad_depth = await platform.client.patch(
        url, json={"planned": {"depth": "design"}}, headers={"If-Match": '"2"'}
    )
    assert_problem(bad_depth, 422, "depth", "literal_error")


async def test_an_attraction_project_is_handed_over_once_it_starts(platform: Platform) -> None:
    units = await unit_ids(platform)
    attraction = await register(
        platform,
        units["安康高新区"],
        kind="attraction",
        name="富硒食品产业园",
        total_investment_10k="80000",
        attraction={
            "stage": "signed",
            "signed_amount_10k": "80000",
            "funds_in_place_10k": "5000",
            "capital_origin": "foreign",
            "returning_entrepreneur": True,
        },
    )
    assert attraction["attraction"]["returning_entrepreneur"] is True
    url = f"/api/v1/projects/{attraction['id']}"
    too_early = await platform.client.post(f"{url}/handover", json={})
    assert_problem(too_early, 422, "attraction.stage", "started-or-coded")

    jumped = await platform.client.patch(
        url, json={"attraction": {"stage": "started"}}, headers={"If-Match": '"1"'}
    )
    assert_problem(jumped, 409, "attraction.stage", "forward-by-route")
    coded = await platform.client.patch(
        url,
        json={"code": "2019-610901-13-01-000321", "attraction": {"signed_amount_10k": "80000"}},
        headers={"If-Match": '"1"'},
    )
    assert coded.status_code == 200, coded.text
    assert (
        coded.json()["attraction"]["returning_entrepreneur"] is True
    )  # a change keeps what it does not name
    for stage, day in (("landed", "2019-04-01"), ("started", "2019-05-06")):
        moved = await platform.client.post(f"{url}/attraction-stage", json={"stage": stage, "on": day})
        assert moved.status_code == 200, moved.text
    key = await platform.client.post(f"{url}/handover", json={"planned_investment_10k": "20000"})
    assert key.status_code == 201, key.text
    body = key.json()
    assert (body["kind"], body["name"], body["code"], body["unit_id"]) == (
        "key",
        "富硒食品产业园",
        "2019-610901-13-01-000321",
        units["安康高新区"],
    )
    linked = (await platform.client.get(url)).json()
    assert (linked["attraction"]["handed_over_to_id"], linked["code"]) == (body["id"], None)
    registered = [e["project_id"] for e in await events(platform, "project-registered")]
    assert body["id"] in registered
    again = await platform.client.post(f"{url}/handover", json={})
    assert again.status_code == 409


async def test_an_attraction_project_may_be_linked_to_an_existing_key_project(platform: Platform) -> None:
    units = await unit_ids(platform)
    key = await register(platform, units["恒口示范区"])
    attraction = await register(
        platform, units["恒口示范区"], kind="attraction", code="2019-610902-13-01-000999", attraction={}
    )
    linked = await platform.client.post(
        f"/api/v1/projects/{attraction['id']}/handover", json={"key_project_id": key["id"]}
    )
    assert linked.status_code == 201 and linked.json()["id"] == key["id"]
    not_key = await register(platform, units["恒口示范区"], kind="prephase")
    other = await register(platform, units["恒口示范区"], kind="attraction", attraction={"stage": "started"})
    refused = await platform.client.post(
        f"/api/v1/projects/{other['id']}/handover", json={"key_project_id": not_key["id"]}
    )
    assert_problem(refused, 422, "key_project_id", "key-project")
