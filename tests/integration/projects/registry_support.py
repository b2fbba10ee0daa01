"""Helpers of the registry's integration tests: accounts with roles, seeded unit ids, project bodies."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from gongjian_projects.identity.repository import UserRepository
from gongjian_projects.identity.service import create_user
from gongjian_shared.auth import Role
from gongjian_shared.db import unit_of_work
from support.platform import Platform

PASSWORD = "registry-test-password"


@dataclass
class Actor:
    user_id: str
    username: str
    headers: dict[str, str]

    async def sign_in(self, platform: Platform) -> None:
        """A fresh token, e.g. after the test moved the clock."""
        self.headers = {"Authorization": f"Bearer {await platform.token(self.username, PASSWORD)}"}


async def account(
    platform: Platform, roles: list[Role], unit_id: str | None = None, name: str | None = None
) -> Actor:
    """A new account with the roles, signed in."""
    username = name or f"user-{uuid.uuid4().hex[:8]}"
    async with unit_of_work(platform.context("projects-api").sessionmaker) as session:
        user = await create_user(
            UserRepository(session),
            username=username,
            password=PASSWORD,
            display_name=username,
            roles=roles,
            unit_id=uuid.UUID(unit_id) if unit_id else None,
        )
        await session.flush()
        user_id = str(user.id)
    actor = Actor(user_id, username, {})
    await actor.sign_in(platform)
    return actor


async def unit_ids(platform: Platform) -> dict[str, str]:
    response = await platform.client.get("/api/v1/units", params={"limit": 500})
    assert response.status_code == 200, response.text
    return {unit["name"]: unit["id"] for unit in response.json()["items"]}


def project_body(unit_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "year": 2019,
        "kind": "key",
        "name": f"项目-{uuid.uuid4().hex[:6]}",
        "unit_id": unit_id,
        "plan_category": "new-start",
        "total_investment_10k": "50000",
        "planned_investment_10k": "12000",
        "planned_start": "2019-03-01",
        "planned_completion": "2020-12-31",
    }
    return body | overrides


async def register(platform: Platform, unit_id: str, **overrides: Any) -> dict[str, Any]:
    response = await platform.client.post("/api/v1/projects", json=project_body(unit_id, **overrides))
    assert response.status_code == 201, response.text
    project: dict[str, Any] = response.json()
    return project


async def count(platform: Platform, sql: str, **params: Any) -> int:
    async with platform.context("projects-api").sessionmaker() as session:
        return int(await session.scalar(text(sql), params) or 0)


async def events(platform: Platform, event_type: str) -> list[dict[str, Any]]:
    """Payloads of the registry's outbox rows of one type, oldest first."""
    async with platform.context("projects-api").sessionmaker() as session:
        rows = await session.execute(
            text("SELECT envelope FROM projects.outbox WHERE type = :type ORDER BY id"), {"type": event_type}
        )
        return [row[0]["payload"] for row in rows]


def assert_problem(response: Any, status: int, field: str, rule: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["title"] and body["title_zh"]
    matching = [e for e in body.get("errors", []) if e["field"].endswith(field) and e["rule"] == rule]
    assert matching, body
    assert matching[0]["message"] and matching[0]["message_zh"]
