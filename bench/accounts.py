"""An account for the load generator, created the way projects-api creates accounts, and its bearer token."""

from __future__ import annotations

import secrets
import uuid

import httpx
from pydantic import SecretStr

from gongjian_projects.identity.repository import UserRepository
from gongjian_projects.identity.service import create_user
from gongjian_shared.auth import Role
from gongjian_shared.db import create_engine, create_sessionmaker, unit_of_work
from gongjian_shared.settings import DatabaseSettings

USERNAME = "bench-office"
REPORTER_USERNAME = "bench-reporter"


async def create_office_account(database_url: str) -> tuple[str, str]:
    """An office (重点项目办公室) account: it may read every project and accept reports. (username, password)"""
    return await create_account(database_url, USERNAME, [Role.OFFICE])


async def create_reporter_account(database_url: str, unit_id: uuid.UUID) -> tuple[str, str]:
    """A unit's reporter (填报员): reads and reports only its own unit's projects. (username, password)"""
    return await create_account(database_url, REPORTER_USERNAME, [Role.REPORTER], unit_id)


async def create_account(
    database_url: str, username: str, roles: list[Role], unit_id: uuid.UUID | None = None
) -> tuple[str, str]:
    password = secrets.token_urlsafe(16)
    engine = create_engine(DatabaseSettings(url=SecretStr(database_url), pool_size=1, max_overflow=0))
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            await create_user(
                UserRepository(session),
                username=username,
                password=password,
                display_name="基准测试 (benchmark)",
                roles=roles,
                unit_id=unit_id,
            )
    finally:
        await engine.dispose()
    return username, password


async def bearer_headers(client: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    response = await client.post("/api/v1/auth/token", data={"username": username, "password": password})
    if response.status_code != 200:
        raise RuntimeError(f"token request failed: {response.status_code} {response.text}")
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
