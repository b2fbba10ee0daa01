"""Project codes against their project: the region segment under the unit, the year segment not after the plan
year (registration, PATCH, xlsx import); and the lookup by code, either shape, with the detail's visibility."""

from __future__ import annotations

from typing import Any

import pytest
from integration.projects.registry_support import (
    account,
    assert_problem,
    count,
    project_body,
    register,
    unit_ids,
)
from integration.projects.test_annex2_plan_statistics import upload, workbook_of

from gongjian_shared.auth import Role
from support.platform import Platform

pytestmark = pytest.mark.asyncio


def _segment_problem(response: Any, field: str, rule: str, segment_text: str) -> None:
    assert_problem(response, 422, field, rule)
    [error] = response.json()["errors"]
    assert segment_text in error["message"] and segment_text in error["message_zh"]


async def test_a_county_registers_only_codes_of_its_own_county(platform: Platform) -> None:
    units = await unit_ids(platform)
    body = project_body(units["汉阴县"], code="2019-610902-48-01-100001")
    refused = await platform.client.post("/api/v1/projects", json=body)
    _segment_problem(refused, "code", "region-segment", "610902")
    city = project_body(units["汉阴县"], code="2019-610900-48-01-100001")
    _segment_problem(
        await platform.client.post("/api/v1/projects", json=city), "code", "region-segment", "610900"
    )
    assert await count(platform, "SELECT count(*) FROM projects.projects") == 0
    project = await register(platform, units["汉阴县"], code="2019-610921-48-01-100001")
    assert (project["region_code"], project["region_unit_id"]) == ("610921", units["汉阴县"])


async def test_a_city_department_registers_any_ankang_region_and_no_other(platform: Platform) -> None:
    units = await unit_ids(platform)
    outside = project_body(units["市水利局"], code="2019-610100-48-01-100002")
    _segment_problem(
        await platform.client.post("/api/v1/projects", json=outside), "code", "region-segment", "610100"
    )
    project = await register(platform, units["市水利局"], code="2019-610929-48-01-100002")
    assert project["region_unit_id"] == units["白河县"]


async def test_the_year_segment_may_not_be_after_the_plan_year(platform: Platform) -> None:
    units = await unit_ids(platform)
    later = project_body(units["汉滨区"], year=2020, code="2101-610902-48-01-100003")
    _segment_problem(
        await platform.client.post("/api/v1/projects", json=later), "code", "year-segment", "2021"
    )
    legacy = project_body(
        units["汉滨区"], year=2021, code="2101-610902-48-01-100003", legacy_code="2019-610921-48-01-100003"
    )
    refused = await platform.client.post("/api/v1/projects", json=legacy)
    _segment_problem(refused, "legacy_code", "region-segment", "610921")
    await register(platform, units["汉滨区"], year=2021, code="2101-610902-48-01-100003")


async def test_a_patch_keeps_the_code_under_the_unit(platform: Platform) -> None:
    units = await unit_ids(platform)
    project = await register(platform, units["紫阳县"], code="2019-610924-48-01-100004")
    url = f"/api/v1/projects/{project['id']}"
    recoded = await platform.client.patch(
        url, json={"code": "2019-610925-48-01-100004"}, headers={"If-Match": '"1"'}
    )
    _segment_problem(recoded, "code", "region-segment", "610925")
    moved = await platform.client.patch(url, json={"unit_id": units["岚皋县"]}, headers={"If-Match": '"1"'})
    _segment_problem(moved, "code", "region-segment", "610924")
    unchanged = (await platform.client.get(url)).json()
    assert (unchanged["code"], unchanged["unit_id"], unchanged["revision"]) == (
        project["code"],
        units["紫阳县"],
        1,
    )
    both = {"unit_id": units["岚皋县"], "code": "2019-610925-48-01-100004"}
    changed = await platform.client.patch(url, json=both, headers={"If-Match": '"1"'})
    assert changed.status_code == 200, changed.text
    assert changed.json()["region_unit_id"] == units["岚皋县"]


async def test_an_imported_row_with_another_countys_code_names_its_cell(platform: Platform) -> None:
    rows = [
        ["甲项目", "重点", "2019-610921-48-01-100005", "汉阴县", "新开工", 300, 100],
        ["乙项目", "重点", "2019-610922-48-01-100006", "汉阴县", "新开工", 300, 100],
        ["丙项目", "重点", "2104-610922-48-01-100007", "石泉县", "新开工", 300, 100],
    ]
    refused = await platform.client.post(
        "/api/v1/projects/import", params={"year": 2019}, files=upload(workbook_of(rows))
    )
    assert_problem(refused, 422, "项目导入!C3", "region-segment")
    assert_problem(refused, 422, "项目导入!C4", "year-segment")
    assert await count(platform, "SELECT count(*) FROM projects.projects") == 0
    imported = await platform.client.post(
        "/api/v1/projects/import", params={"year": 2019}, files=upload(workbook_of(rows[:1]))
    )
    assert imported.status_code == 201, imported.text


async def test_a_project_is_found_by_either_code_in_the_latest_or_given_year(platform: Platform) -> None:
    units = await unit_ids(platform)
    current, legacy = "2203-610981-04-01-000888", "2019-610928-04-01-000888"
    project = await register(platform, units["旬阳县"], year=2022, code=current, legacy_code=legacy)
    for code in (current, legacy):
        found = await platform.client.get(f"/api/v1/projects/by-code/{code}")
        assert found.status_code == 200, found.text
        assert (found.json()["id"], found.headers["ETag"]) == (project["id"], '"1"')
        assert found.json()["other_years"] == []
    in_year = await platform.client.get(f"/api/v1/projects/by-code/{current}", params={"year": 2022})
    assert in_year.json()["id"] == project["id"]
    other_year = await platform.client.get(f"/api/v1/projects/by-code/{current}", params={"year": 2021})
    assert other_year.status_code == 404
    assert other_year.json()["type"] == "/problems/project-not-found"


async def test_an_unknown_or_malformed_code_and_another_units_project(platform: Platform) -> None:
    units = await unit_ids(platform)
    theirs = await register(platform, units["白河县"], code="2019-610929-48-01-100009")
    unknown = await platform.client.get("/api/v1/projects/by-code/2019-610929-48-01-999999")
    assert (unknown.status_code, unknown.json()["type"]) == (404, "/problems/project-not-found")
    month_13 = await platform.client.get("/api/v1/projects/by-code/2113-610929-48-01-100009")
    assert_problem(month_13, 422, "code", "code-shape")
    short = await platform.client.get("/api/v1/projects/by-code/2019-61092-48-01-100009")
    assert short.status_code == 422 and short.json()["errors"][0]["field"].endswith("code")

    reporter = await account(platform, [Role.REPORTER], units["石泉县"])
    hidden = await platform.client.get(f"/api/v1/projects/by-code/{theirs['code']}", headers=reporter.headers)
    detail = await platform.client.get(f"/api/v1/projects/{theirs['id']}", headers=reporter.headers)
    assert (hidden.status_code, detail.status_code) == (404, 404)
    assert hidden.json()["type"] == detail.json()["type"]
    own = await account(platform, [Role.REPORTER], units["白河县"])
    mine = await platform.client.get(f"/api/v1/projects/by-code/{theirs['code']}", headers=own.headers)
    assert mine.status_code == 200 and mine.json()["id"] == theirs["id"]
