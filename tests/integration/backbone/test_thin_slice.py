"""The thin slice: a unit, a key project, a monthly report accepted, and scoring-worker sees the figure."""

from __future__ import annotations

from decimal import Decimal

import pytest

from support.platform import Platform, eventually

pytestmark = pytest.mark.asyncio


async def drive_slice(platform: Platform) -> tuple[str, str]:
    client = platform.client
    unit = await client.post(
        "/api/v1/units", json={"name": "测试县", "kind": "county", "admin_code": "610999"}
    )
    assert unit.status_code == 201, unit.text
    unit_id = unit.json()["id"]
    project = await client.post(
        "/api/v1/projects",
        json={
            "year": 2019,
            "kind": "key",
            "name": "测试大桥",
            "code": "2019-610999-48-01-000001",
            "unit_id": unit_id,
            "plan_category": "new-start",
            "total_investment_10k": "50000",
            "planned_investment_10k": "12000",
            "planned_start": "2019-03-01",
            "planned_completion": "2020-12-31",
        },
    )
    assert project.status_code == 201, project.text
    project_id = project.json()["id"]
    report = await client.post(
        f"/api/v1/projects/{project_id}/progress-reports",
        json={
            "year": 2019,
            "month": 5,
            "completed_10k": "1500.50",
            "cumulative_10k": "1500.50",
            "physical_progress": "桩基施工",
            "image_progress_percent": "10",
        },
    )
    assert report.status_code == 201, report.text
    accepted = await client.post(f"/api/v1/progress-reports/{report.json()['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    return unit_id, project_id


async def wait_for_completed(platform: Platform, unit_id: str, expected: Decimal) -> None:
    async def scoring_sees_it() -> bool:
        response = await platform.client.get(
            f"/api/v1/scoring/units/{unit_id}/completed-investment", params={"year": 2019}
        )
        assert response.status_code == 200, response.text
        return Decimal(response.json()["completed_10k"]) == expected

    await eventually(scoring_sees_it, what="scoring-worker to record the completed investment")


async def test_progress_reported_reaches_scoring_on_the_embedded_bus(platform: Platform) -> None:
    unit_id, _ = await drive_slice(platform)
    await wait_for_completed(platform, unit_id, Decimal("1500.50"))


@pytest.mark.kafka
async def test_progress_reported_reaches_scoring_on_kafka(kafka_platform: Platform) -> None:
    unit_id, _ = await drive_slice(kafka_platform)
    await wait_for_completed(kafka_platform, unit_id, Decimal("1500.50"))
    relay = kafka_platform.context("projects-api").bus
    assert relay is not None and relay.relay is not None and relay.relay.published >= 1


async def test_member_units_replicate_to_meetings_api(platform: Platform) -> None:
    async def all_36_members() -> bool:
        response = await platform.client.get("/api/v1/meetings/member-units")
        return response.status_code == 200 and response.json()["total"] == 36

    await eventually(all_36_members, what="36 member units in meetings-api's replica")
