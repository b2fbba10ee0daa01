"""Attacks on the registry's input: control characters, integers past their column, explicit nulls in a PATCH,
amounts in other digits. Each is a 4xx problem naming the field in English and Chinese; nothing is stored."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from integration.projects.registry_support import count, project_body, register, unit_ids

from support.platform import Platform

pytestmark = pytest.mark.asyncio

WRITTEN = (
    "SELECT (SELECT count(*) FROM projects.projects) + (SELECT count(*) FROM projects.obstacles)"
    " + (SELECT count(*) FROM projects.units) + (SELECT count(*) FROM projects.outbox)"
    " + (SELECT count(*) FROM projects.progress_reports)"
)


def assert_field_problem(response: httpx.Response, status: int, field: str, rule: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["title"] and body["title_zh"]
    matching = [e for e in body["errors"] if e["field"] == field and e["rule"] == rule]
    assert matching, body
    leaf = field.rsplit(".", 1)[-1]
    assert leaf in matching[0]["message"], matching[0]
    assert leaf in matching[0]["message_zh"], matching[0]
    return body


async def test_control_characters_in_text_are_refused_and_nothing_is_stored(platform: Platform) -> None:
    units = await unit_ids(platform)
    project = await register(platform, units["汉滨区"])
    before = await count(platform, WRITTEN)
    attacks: list[tuple[str, dict[str, Any], str]] = [
        ("/api/v1/projects", project_body(units["汉滨区"], name="汉江\x00五桥"), "body.name"),
        ("/api/v1/projects", project_body(units["汉滨区"], name="汉江\x0b五桥"), "body.name"),
        ("/api/v1/projects", project_body(units["汉滨区"], name="汉江\n五桥"), "body.name"),
        ("/api/v1/projects", project_body(units["汉滨区"], industry="交\t通"), "body.industry"),
        (
            "/api/v1/projects",
            project_body(units["汉滨区"], construction_content="桥\x1b[31m梁"),
            "body.construction_content",
        ),
        (
            "/api/v1/ledger/obstacles",
            {"project_id": project["id"], "category": "other", "description": "征迁\x00未完成"},
            "body.description",
        ),
        ("/api/v1/units", {"name": "坏\x85单位", "kind": "county"}, "body.name"),
        ("/api/v1/leaders", {"name": "张\x7f三", "level": "city"}, "body.name"),
    ]
    for path, body, field in attacks:
        response = await platform.client.post(path, json=body)
        assert_field_problem(response, 422, field, "control_character")
    # an unpaired surrogate never reaches PostgreSQL's UTF-8 either
    raw = '{"project_id": "' + project["id"] + '", "category": "other", "description": "a\\ud800b"}'
    response = await platform.client.post(
        "/api/v1/ledger/obstacles", content=raw, headers={"Content-Type": "application/json"}
    )
    assert_field_problem(response, 422, "body.description", "control_character")
    assert await count(platform, WRITTEN) == before


async def test_names_are_trimmed_and_nfc_and_text_keeps_tabs_and_newlines(platform: Platform) -> None:
    units = await unit_ids(platform)
    project = await register(
        platform, units["汉滨区"], name="  Cafe\u0301 桥  ", construction_content="一期\t桥梁\r\n二期\t道路"
    )
    assert project["name"] == "Café 桥"
    assert project["construction_content"] == "一期\t桥梁\n二期\t道路"
    blank = await platform.client.post("/api/v1/projects", json=project_body(units["汉滨区"], name="   "))
    assert_field_problem(blank, 422, "body.name", "blank")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/progress-reports?year=2147483647", "query.year"),
        ("/api/v1/progress-reports?year=32768", "query.year"),
        ("/api/v1/projects?year=-1", "query.year"),
        ("/api/v1/projects?offset=30195936683908878336", "query.offset"),
        ("/api/v1/units?offset=2147483648", "query.offset"),
        ("/api/v1/ledger/obstacles?offset=9223372036854775808", "query.offset"),
        ("/api/v1/progress-reports?offset=30195936683908878336", "query.offset"),
        ("/api/v1/projects?limit=0", "query.limit"),
        ("/api/v1/accounts?offset=30195936683908878336", "query.offset"),
        ("/api/v1/accounts/audit?offset=2147483648", "query.offset"),
    ],
)
async def test_integers_past_their_column_are_a_422(platform: Platform, path: str, field: str) -> None:
    response = await platform.client.get(path)
    body = assert_field_problem(
        response,
        422,
        field,
        "less_than_equal" if "limit=0" not in path and "-1" not in path else "greater_than_equal",
    )
    assert any(char in body["errors"][0]["message_zh"] for char in "最大最小")


async def test_a_project_report_filter_past_smallint_is_a_422(platform: Platform) -> None:
    units = await unit_ids(platform)
    project = await register(platform, units["汉滨区"])
    response = await platform.client.get(f"/api/v1/projects/{project['id']}/progress-reports?year=2147483647")
    assert_field_problem(response, 422, "query.year", "less_than_equal")
    report = {
        "year": 40000,
        "month": 5,
        "completed_10k": "1",
        "cumulative_10k": "1",
        "physical_progress": "x",
        "image_progress_percent": "1",
    }
    before = await count(platform, WRITTEN)
    created = await platform.client.post(f"/api/v1/projects/{project['id']}/progress-reports", json=report)
    assert_field_problem(created, 422, "body.year", "less_than_equal")
    assert await count(platform, WRITTEN) == before


@pytest.mark.parametrize(
    ("path_kind", "body", "field"),
    [
        ("project", {"name": None}, "name"),
        ("project", {"total_investment_10k": None}, "total_investment_10k"),
        ("unit", {"kind": None}, "kind"),
        ("unit", {"name": None}, "name"),
        ("obstacle", {"category": None}, "category"),
    ],
)
async def test_explicit_null_for_a_non_nullable_field_is_a_422(
    platform: Platform, path_kind: str, body: dict[str, Any], field: str
) -> None:
    units = await unit_ids(platform)
    project = await register(platform, units["汉滨区"])
    if path_kind == "project":
        url = f"/api/v1/projects/{project['id']}"
    elif path_kind == "unit":
        url = f"/api/v1/units/{units['汉滨区']}"
    else:
        obstacle = await platform.client.post(
            "/api/v1/ledger/obstacles",
            json={"project_id": project["id"], "category": "other", "description": "用地未落实"},
        )
        assert obstacle.status_code == 201, obstacle.text
        url = f"/api/v1/ledger/obstacles/{obstacle.json()['id']}"
    current = await platform.client.get(url)
    before = await count(platform, WRITTEN)
    response = await platform.client.patch(url, json=body, headers={"If-Match": current.headers["etag"]})
    assert_field_problem(response, 422, f"body.{field}", "not_null")
    assert await count(platform, WRITTEN) == before
    assert (await platform.client.get(url)).headers["etag"] == current.headers["etag"]


@pytest.mark.parametrize("amount", ["１２", " 12", "12 ", "1e3", "12.", "+12", "", "١٢"])
async def test_amounts_in_other_digits_or_padded_are_refused(platform: Platform, amount: str) -> None:
    units = await unit_ids(platform)
    before = await count(platform, WRITTEN)
    response = await platform.client.post(
        "/api/v1/projects", json=project_body(units["汉滨区"], planned_investment_10k=amount)
    )
    assert_field_problem(response, 422, "body.planned_investment_10k", "money_format")
    assert "全角" in response.json()["errors"][0]["message_zh"]
    assert await count(platform, WRITTEN) == before


async def test_amounts_as_strings_or_numbers_come_back_as_decimal_strings(platform: Platform) -> None:
    units = await unit_ids(platform)
    as_string = await register(
        platform, units["汉滨区"], total_investment_10k="1200", planned_investment_10k="0.5"
    )
    as_number = await register(
        platform, units["汉滨区"], total_investment_10k=1200, planned_investment_10k=12.25
    )
    assert as_string["total_investment_10k"] == "1200.00"
    assert as_string["planned_investment_10k"] == "0.50"
    assert as_number["total_investment_10k"] == "1200.00"
    assert Decimal(as_number["planned_investment_10k"]) == Decimal("12.25")
    too_fine = await platform.client.post(
        "/api/v1/projects", json=project_body(units["汉滨区"], planned_investment_10k="1.234")
    )
    assert_field_problem(too_fine, 422, "body.planned_investment_10k", "money_format")
