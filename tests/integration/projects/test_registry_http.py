"""Front-end conventions: ETag and If-Match (412 on a stale write), Idempotency-Key on POST."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from io import BytesIO

import pytest
from integration.projects.registry_support import (
    assert_problem,
    count,
    events,
    project_body,
    register,
    unit_ids,
)
from openpyxl import Workbook

from support.platform import Platform

pytestmark = pytest.mark.asyncio


async def test_updates_need_the_current_etag_and_say_project_updated(platform: Platform) -> None:
    units = await unit_ids(platform)
    project = await register(platform, units["汉阴县"], planned_by_month=["1000"] * 12)
    url = f"/api/v1/projects/{project['id']}"
    change = {"planned_investment_10k": "12000", "industry": "水利", "name": "汉阴水厂"}

    missing = await platform.client.patch(url, json=change)
    assert_problem(missing, 428, "If-Match", "required")
    updated = await platform.client.patch(url, json=change, headers={"If-Match": '"1"'})
    assert updated.status_code == 200, updated.text
    assert updated.headers["etag"] == '"2"'
    assert (updated.json()["industry"], updated.json()["revision"]) == ("水利", 2)

    stale = await platform.client.patch(url, json={"industry": "交通"}, headers={"If-Match": '"1"'})
    assert_problem(stale, 412, "If-Match", "stale")
    assert (await platform.client.get(url)).json()["industry"] == "水利"

    payload = (await events(platform, "project-updated"))[-1]
    assert (payload["project_id"], payload["name"], payload["status"]) == (
        project["id"],
        "汉阴水厂",
        "planned",
    )
    assert await count(platform, "SELECT count(*) FROM projects.outbox WHERE type = 'project-updated'") == 1


async def test_changing_the_annual_plan_keeps_the_monthly_plan_consistent(platform: Platform) -> None:
    units = await unit_ids(platform)
    project = await register(platform, units["汉阴县"], planned_by_month=["1000"] * 12)
    url = f"/api/v1/projects/{project['id']}"
    refused = await platform.client.patch(
        url, json={"planned_investment_10k": "13000"}, headers={"If-Match": '"1"'}
    )
    assert_problem(refused, 422, "planned_by_month", "sums-to-annual")
    months = ["1000"] * 11 + ["2000"]
    accepted = await platform.client.patch(
        url, json={"planned_investment_10k": "13000", "planned_by_month": months}, headers={"If-Match": '"1"'}
    )
    assert accepted.status_code == 200, accepted.text
    assert Decimal(accepted.json()["planned_by_month"][11]) == Decimal(2000)
    server_owned = await platform.client.patch(url, json={"status": "completed"}, headers={"If-Match": '"2"'})
    assert_problem(server_owned, 422, "status", "extra_forbidden")
    assert_problem(
        await platform.client.patch(url, json={"name": None}, headers={"If-Match": '"2"'}),
        422,
        "name",
        "not_null",
    )


async def test_a_retried_post_with_the_same_key_returns_the_first_answer(platform: Platform) -> None:
    units = await unit_ids(platform)
    body = project_body(units["石泉县"], name="石泉重试项目")
    headers = {"Idempotency-Key": "retry-1"}
    first = await platform.client.post("/api/v1/projects", json=body, headers=headers)
    again = await platform.client.post("/api/v1/projects", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["etag"] == first.headers["etag"]
    sql = "SELECT count(*) FROM projects.projects WHERE name = '石泉重试项目'"
    assert await count(platform, sql) == 1
    other = await platform.client.post("/api/v1/projects", json=body | {"name": "别的项目"}, headers=headers)
    assert_problem(other, 409, "Idempotency-Key", "reused")
    assert other.json()["type"] == "/problems/idempotency-key-reused"


async def test_concurrent_retries_with_one_key_write_once(platform: Platform) -> None:
    units = await unit_ids(platform)
    body = project_body(units["石泉县"], name="并发重试项目")
    headers = {"Idempotency-Key": "concurrent-1"}
    responses = await asyncio.gather(
        *(platform.client.post("/api/v1/projects", json=body, headers=headers) for _ in range(4))
    )
    assert {response.status_code for response in responses} == {201}
    assert len({response.json()["id"] for response in responses}) == 1
    assert await count(platform, "SELECT count(*) FROM projects.projects WHERE name = '并发重试项目'") == 1
    assert (
        await count(platform, "SELECT count(*) FROM projects.outbox WHERE type = 'project-registered'") == 1
    )


async def test_a_failed_post_leaves_its_key_free_for_the_corrected_retry(platform: Platform) -> None:
    units = await unit_ids(platform)
    headers = {"Idempotency-Key": "fix-and-retry"}
    bad = await platform.client.post(
        "/api/v1/projects",
        json=project_body(units["石泉县"], code="2020-610922-48-01-000001"),
        headers=headers,
    )
    assert bad.status_code == 422
    good = await platform.client.post("/api/v1/projects", json=project_body(units["石泉县"]), headers=headers)
    assert good.status_code == 201, good.text


async def test_a_retried_upload_is_not_imported_twice(platform: Platform) -> None:
    book = Workbook()
    book.active.append(
        ["项目名称*", "项目类型*", "统一项目代码", "责任单位*", "计划类别", "总投资", "年度计划投资"]
    )
    book.active.append(["重试导入项目", "重点", None, "紫阳县", "新开工", 1000, 200])
    buffer = BytesIO()
    book.save(buffer)
    files = {"file": ("plan.xlsx", buffer.getvalue(), "application/octet-stream")}
    headers = {"Idempotency-Key": "upload-1"}
    first = await platform.client.post(
        "/api/v1/projects/import", params={"year": 2019}, files=files, headers=headers
    )
    again = await platform.client.post(
        "/api/v1/projects/import", params={"year": 2019}, files=files, headers=headers
    )
    assert first.status_code == again.status_code == 201, first.text
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert await count(platform, "SELECT count(*) FROM projects.projects WHERE name = '重试导入项目'") == 1
