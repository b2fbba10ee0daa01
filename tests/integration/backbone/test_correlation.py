"""X-Correlation-ID travels from the request into the events it causes, and back on the response."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from support.platform import Platform

pytestmark = pytest.mark.asyncio


async def test_the_correlation_id_reaches_the_event(platform: Platform) -> None:
    correlation = uuid.uuid4()
    response = await platform.client.post(
        "/api/v1/units",
        json={"name": "关联测试局", "kind": "department"},
        headers={"X-Correlation-ID": str(correlation)},
    )
    assert response.status_code == 201
    assert response.headers["x-correlation-id"] == str(correlation)
    async with platform.context("projects-api").sessionmaker() as session:
        envelope = await session.scalar(
            text("SELECT envelope FROM projects.outbox WHERE envelope->'payload'->>'name' = '关联测试局'")
        )
    assert envelope["correlation_id"] == str(correlation)


async def test_a_request_without_one_gets_a_fresh_id(platform: Platform) -> None:
    response = await platform.client.get("/api/v1/units")
    assert uuid.UUID(response.headers["x-correlation-id"])
