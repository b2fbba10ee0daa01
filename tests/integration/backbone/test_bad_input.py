"""Malformed JSON, unknown fields and wrong types: 422 problem details naming the field; nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from support.platform import Platform

pytestmark = pytest.mark.asyncio


WRITTEN = (
    "units",
    "projects",
    "progress_reports",
    "progress_report_steps",
    "reporting_months",
    "deadlines",
    "outbox",
)


async def written(platform: Platform) -> dict[str, int]:
    """How many rows each table of what a bad request might write holds."""
    counts: dict[str, int] = {}
    async with platform.context("projects-api").sessionmaker() as session:
        for table in WRITTEN:
            counts[table] = int(await session.scalar(text(f"SELECT count(*) FROM projects.{table}")) or 0)
    return counts


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


def report(**changes: object) -> dict[str, object]:
    """A valid monthly report, with `changes` (a value of None leaves the field out)."""
    body: dict[str, object] = {
        "year": 2019,
        "month": 5,
        "completed_10k": "100",
        "cumulative_10k": "100",
        "physical_progress": "施工中",
        "image_progress_percent": "30",
    }
    body |= changes
    return {name: value for name, value in body.items() if value is not None}


BAD_REPORTS = [
    (report(month=13), "month", "less_than_equal"),
    (report(year="二〇一九"), "year", "int_type"),
    (report(completed_10k="abc"), "completed_10k", "money_format"),
    (report(cumulative_10k="1" * 20), "cumulative_10k", "money_format"),
    (report(image_progress_percent="150"), "image_progress_percent", "money_format"),
    (report(physical_progress=None), "physical_progress", "missing"),
    (report(physical_progress=""), "physical_progress", "string_too_short"),
    (report(colour="red"), "colour", "extra_forbidden"),
]


async def test_bad_project_and_report_payloads(platform: Platform) -> None:
    units = (await platform.client.get("/api/v1/units")).json()["items"]
    key_project = await platform.client.post(
        "/api/v1/projects",
        json={
            "year": 2019,
            "kind": "key",
            "name": "坏报表测试项目",
            "unit_id": units[0]["id"],
            "total_investment_10k": "1000",
            "planned_investment_10k": "500",
        },
    )
    assert key_project.status_code == 201, key_project.text
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
    for body, field, rule in BAD_REPORTS:
        response = await platform.client.post(
            f"/api/v1/projects/{key_project.json()['id']}/progress-reports", json=body
        )
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert_problem(response.json(), field, rule)
    assert await written(platform) == before


async def test_requests_without_a_token_are_refused(platform: Platform) -> None:
    platform.client.headers.pop("Authorization")
    response = await platform.client.get("/api/v1/units")
    assert response.status_code == 401
    assert response.json()["title_zh"]
    assert response.headers["www-authenticate"] == "Bearer"
