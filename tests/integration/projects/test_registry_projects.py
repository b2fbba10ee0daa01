"""Registering projects with the full field set; unified project codes; bad input changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from integration.projects.registry_support import (
    assert_problem,
    count,
    events,
    project_body,
    register,
    unit_ids,
)

from support.platform import Platform

pytestmark = pytest.mark.asyncio


async def written(platform: Platform) -> tuple[int, int, int]:
    return (
        await count(platform, "SELECT count(*) FROM projects.projects"),
        await count(platform, "SELECT count(*) FROM projects.project_status_changes"),
        await count(platform, "SELECT count(*) FROM projects.outbox"),
    )


async def test_a_key_project_keeps_every_field_and_decodes_its_region(platform: Platform) -> None:
    units = await unit_ids(platform)
    leader = await platform.client.post(
        "/api/v1/leaders", json={"name": "王市长", "title": "副市长", "level": "city"}
    )
    assert leader.status_code == 201, leader.text
    months = ["1000"] * 12
    project = await register(
        platform,
        units["市交通运输局"],
        name="汉江五桥",
        code="2019-610902-48-01-012345",
        responsible_person="李四",
        industry="交通",
        location={
            "admin_code": "610902",
            "address": "汉滨区江北",
            "latitude": "32.684",
            "longitude": "109.029",
        },
        planned_by_month=months,
        construction_content="主桥 1.2 公里",
        provincial_key=True,
        leader_ids=[leader.json()["id"]],
    )
    fetched = await platform.client.get(f"/api/v1/projects/{project['id']}")
    assert fetched.status_code == 200
    assert fetched.headers["etag"] == '"1"'
    body = fetched.json()
    assert body["code_shape"] == "pre-2020"
    assert body["region_code"] == "610902"
    assert body["region_unit_id"] == units["汉滨区"]
    assert body["unit_id"] == units["市交通运输局"]
    assert body["location"]["address"] == "汉滨区江北"
    assert Decimal(body["location"]["latitude"]) == Decimal("32.684")
    assert [Decimal(m) for m in body["planned_by_month"]] == [Decimal(1000)] * 12
    assert body["leader_ids"] == [leader.json()["id"]]
    assert (body["status"], body["provincial_key"], body["industry"]) == ("planned", True, "交通")
    history = await platform.client.get(f"/api/v1/projects/{project['id']}/status-history")
    assert [step["to_status"] for step in history.json()] == ["planned"]
    registered = await events(platform, "project-registered")
    assert registered[-1]["project_id"] == project["id"]
    assert registered[-1]["code"] == "2019-610902-48-01-012345"


async def test_a_current_code_is_stored_with_its_pre_2020_code(platform: Platform) -> None:
    units = await unit_ids(platform)
    project = await register(
        platform,
        units["旬阳县"],
        year=2022,
        code="2203-610981-04-01-000777",
        legacy_code="2019-610928-04-01-000777",
    )
    assert project["code_shape"] == "current"
    assert project["legacy_code"] == "2019-610928-04-01-000777"
    assert project["region_unit_id"] == units["旬阳县"]
    # the pre-2020 code is taken as well: no other project may use it as its code
    clash = await platform.client.post(
        "/api/v1/projects", json=project_body(units["旬阳县"], code="2019-610928-04-01-000777")
    )
    assert_problem(clash, 409, "code", "unique")


async def test_a_code_outside_ankang_decodes_to_no_unit(platform: Platform) -> None:
    units = await unit_ids(platform)
    project = await register(platform, units["市发改委"], code="2019-610900-48-01-000001")
    assert (project["region_code"], project["region_unit_id"]) == ("610900", None)


BAD_PROJECTS: list[tuple[dict[str, object], int, str, str]] = [
    ({"code": "2020-610902-48-01-012345"}, 422, "code", "code-shape"),
    ({"code": "2019-61090-48-01-012345"}, 422, "code", "string_pattern_mismatch"),
    (
        {"code": "2019-610902-48-01-000002", "legacy_code": "2018-610902-48-01-000002"},
        422,
        "legacy_code",
        "legacy-shape",
    ),
    ({"code": "2019-610902-48-01-000001"}, 409, "code", "unique"),
    ({"planned_by_month": ["1000"] * 11 + ["999"]}, 422, "planned_by_month", "sums-to-annual"),
    ({"planned_by_month": ["1000"] * 11}, 422, "planned_by_month", "too_short"),
    ({"leader_ids": ["00000000-0000-0000-0000-000000000001"]}, 404, "leader_ids", "exists"),
    ({"status": "completed"}, 422, "status", "extra_forbidden"),
    ({"started_on": "2019-03-01"}, 422, "started_on", "extra_forbidden"),
    ({"location": {"latitude": "91"}}, 422, "latitude", "money_format"),  # past the documented pattern
    ({"planned_start": "2019-05-01", "planned_completion": "2019-04-01"}, 422, "body", "cross_field"),
    ({"unit_id": "00000000-0000-0000-0000-000000000001"}, 404, "unit_id", "exists"),
]


async def test_bad_projects_are_refused_and_nothing_changes(platform: Platform) -> None:
    units = await unit_ids(platform)
    await register(platform, units["汉滨区"], code="2019-610902-48-01-000001")
    before = await written(platform)
    for overrides, status, field, rule in BAD_PROJECTS:
        body = project_body(units["汉滨区"]) | overrides
        response = await platform.client.post("/api/v1/projects", json=body)
        assert_problem(response, status, field, rule)
    assert await written(platform) == before
