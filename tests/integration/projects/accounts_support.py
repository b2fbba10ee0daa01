"""Helpers of the accounts and sign-in tests: accounts created over HTTP, signed in, their password changed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import text

from support.platform import Platform

NEW_PASSWORD = "Correct-Horse-Battery-9"


@dataclass
class Person:
    account_id: str
    username: str
    password: str
    headers: dict[str, str] = field(default_factory=dict)
    refresh_token: str | None = None


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def sign_in(platform: Platform, username: str, password: str) -> httpx.Response:
    return await platform.client.post("/api/v1/auth/token", data={"username": username, "password": password})


async def unit_id(platform: Platform, name: str) -> str:
    async with platform.context("projects-api").sessionmaker() as session:
        found = await session.scalar(text("SELECT id FROM projects.units WHERE name = :name"), {"name": name})
    assert found is not None, name
    return str(found)


async def create(
    platform: Platform,
    roles: list[str],
    unit: str | None,
    *,
    headers: dict[str, str] | None = None,
    **body: Any,
) -> httpx.Response:
    payload = {
        "username": f"u{uuid.uuid4().hex[:8]}",
        "display_name": "测试用户",
        "unit_id": await unit_id(platform, unit) if unit else None,
        "roles": roles,
    } | body
    return await platform.client.post("/api/v1/accounts", json=payload, headers=headers)


async def person(
    platform: Platform, roles: list[str], unit: str | None, *, headers: dict[str, str] | None = None
) -> Person:
    """A new account, signed in, its first password already changed: ready to work."""
    response = await create(platform, roles, unit, headers=headers)
    assert response.status_code == 201, response.text
    body = response.json()
    signed = await sign_in(platform, body["username"], body["initial_password"])
    assert signed.status_code == 200, signed.text
    changed = await platform.client.post(
        "/api/v1/auth/password",
        json={"current_password": body["initial_password"], "new_password": NEW_PASSWORD},
        headers=bearer(signed.json()["access_token"]),
    )
    assert changed.status_code == 204, changed.text
    ready = await sign_in(platform, body["username"], NEW_PASSWORD)
    assert ready.status_code == 200, ready.text
    tokens = ready.json()
    return Person(
        body["id"], body["username"], NEW_PASSWORD, bearer(tokens["access_token"]), tokens["refresh_token"]
    )


async def audit_actions(platform: Platform, account_id: str) -> list[str]:
    response = await platform.client.get(
        "/api/v1/accounts/audit", params={"account_id": account_id, "limit": 500}
    )
    assert response.status_code == 200, response.text
    return [entry["action"] for entry in response.json()["items"]]


async def outbox_payloads(platform: Platform, event_type: str, account_id: str) -> list[dict[str, Any]]:
    async with platform.context("projects-api").sessionmaker() as session:
        rows = await session.execute(
            text("SELECT envelope FROM projects.outbox WHERE type = :type AND key = :key ORDER BY id"),
            {"type": event_type, "key": account_id},
        )
        return [row[0]["payload"] for row in rows]
