"""Malformed JSON, unknown fields and wrong types: 422 problem details naming the field; nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from support.platform import Platform

pytestmark = pytest.mark.asyncio


async def written(platform: Platform) -> tuple[int, int, int]:
    async with platform.context("projects-api").sessionmaker() as session:
        units = await session.scalar(text("SELECT count(*) FROM projects.units"))
        projects = await session.scalar(text("SELECT count(*) FROM projects.projects"))
        events = await session.scalar(text("SELECT count(*) FROM projects.outbox"))
    return int(units or 0), int(projects or 0), int(events or 0)


def assert_problem(response_json: dict[str, object], field: str, rule: str) -> None:
    assert response_json["status"] == 422
    assert response_json["title"] and response_json["title_zh"]
    errors = response_json["errors"]
    assert isinstance(errors, list)
    matching = [e for e in errors if e["field"].endswith(field) and e["rule"] == rule]
    assert matching, errors
    assert matching[0]["message"] and matching[0]["message_zh"]


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        ('{"name": "坏单位", "kind": "county"', "body", "json_invalid"),
        ('{"name": "坏单位", "kind": "county", "colour": "red"}', "colour", "extra_forbidden"),
        ('{"name": 12, "kind": "county"}', "name", "string_type"),
        ('{"name": "坏单位", "kind": "village"}', "kind", "literal_error"),
        ('{"name": "坏单位", "kind": "county", "admin_code": "61"}', "admin_code", "string_pattern_mismatch"),
    ],
)
async def test_bad_unit_payloads(platform: Platform, body: str, field: str, rule: str) -> None:
    before = await written(platform)
    response = await platform.client.post(
        "/api/v1/units", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert_problem(response.json(), field, rule)
    assert await written(platform) == before


async def test_bad_project_and_report_payloads(platform: Platform) -> None:
    units = (await platform.client.get("/api/v1/units")).json()["items"]
    before = await written(platform)
    project = await platform.client.post(
        "/api/v1/projects",
        json={
            "year": 2019,
            "kind": "key",
            "name": "x",
            "unit_id": units[0]["id"],
            "total_investment_10k": "-5",
            "planned_investment_10k": "abc",
            "code": "2019-61-1",
        },
    )
    assert project.status_code == 422
    fields = {e["field"] for e in project.json()["errors"]}
    assert {"body.total_investment_10k", "body.planned_investment_10k", "body.code"} <= fields
    assert await written(platform) == before


async def test_requests_without_a_token_are_refused(platform: Platform) -> None:
    platform.client.headers.pop("Authorization")
    response = await platform.client.get("/api/v1/units")
    assert response.status_code == 401
    assert response.json()["title_zh"]
    assert response.headers["www-authenticate"] == "Bearer"
