"""A running platform inside the test process: every service app with its lifespan, behind the gateway."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import httpx
from fastapi import FastAPI
from pydantic import SecretStr

from gongjian.assembly import PlatformSettings, seed_and_admin, service_settings
from gongjian.gateway import Gateway
from gongjian.services import SERVICES
from gongjian_projects.projects.code_checks import unit_region
from gongjian_shared.auth import Principal, generate_private_key_pem, load_private_key, public_key_pem
from gongjian_shared.clock import SHANGHAI, Clock
from gongjian_shared.service import ServiceContext
from gongjian_shared.settings import AuthSettings, BaseServiceSettings

ADMIN_PASSWORD = "admin-test-password"
# Where the platforms' clock starts: a Monday at 10:00 in Asia/Shanghai, after the 2019 assessment year and its
# recognition windows closed, in office hours (no quiet hours hold a reminder).
TEST_START = datetime(2025, 6, 16, 10, tzinfo=SHANGHAI)
# One Ed25519 key pair per test session: projects-api signs with the private key, the others get the public half.
TEST_SIGNING_KEY = generate_private_key_pem()
TEST_PUBLIC_KEY = public_key_pem(load_private_key(TEST_SIGNING_KEY))
TEST_AUTH = AuthSettings(signing_keys=[SecretStr(TEST_SIGNING_KEY)])
# the file-system evidence stores of this process's platforms (each its own folder, removed when it stops)
EVIDENCE_ROOTS = Path(tempfile.gettempdir()) / f"gongjian-test-evidence-{os.getpid()}"


class RunningClock:
    """Time from a fixed start, moving as the wall clock moves: every platform runs on one, so no test depends
    on the day it runs (or crosses midnight in Asia/Shanghai), and events keep the order they were made in.
    A test that moves time by hand runs its platform on a `FrozenClock` instead."""

    def __init__(self, start: datetime = TEST_START) -> None:
        self._start = start.astimezone(UTC)
        self._started = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._started)


@dataclass
class Platform:
    client: httpx.AsyncClient
    gateway: Gateway
    settings: dict[str, BaseServiceSettings]
    clock: Clock

    def app(self, name: str) -> FastAPI:
        return self.gateway.apps[name]

    def context(self, name: str) -> ServiceContext:
        context: ServiceContext = self.app(name).state.context
        return context

    async def token(self, username: str = "admin", password: str = ADMIN_PASSWORD) -> str:
        response = await self.client.post(
            "/api/v1/auth/token", data={"username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    async def login(self, username: str = "admin", password: str = ADMIN_PASSWORD) -> None:
        self.client.headers["Authorization"] = f"Bearer {await self.token(username, password)}"


def mint_token(platform: Platform, principal: Principal) -> str:
    """An access token for `principal`, signed by projects-api's issuer like a signed-in account's."""
    issuer = platform.context("projects-api").issuer
    assert issuer is not None, "projects-api signs the tokens"
    return issuer.issue(principal)


def bearer_headers(platform: Platform, principal: Principal) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(platform, principal)}"}


def platform_settings(
    database_url: str,
    *,
    bus: Literal["embedded", "kafka"] = "embedded",
    kafka_bootstrap: str | None = None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, BaseServiceSettings]:
    platform = PlatformSettings(environment="test", bus=bus, auth=TEST_AUTH)
    unique = uuid.uuid4().hex[:10]
    settings = {}
    for entry in SERVICES:
        base = service_settings(entry, database_url, platform, kafka_bootstrap)
        update: dict[str, Any] = {
            "kafka": base.kafka.model_copy(
                update={"topic_prefix": f"t{unique}.", "group_prefix": f"t{unique}."}
            ),
            "bus": base.bus.model_copy(update={"poll_interval_seconds": 0.2, "retry_backoff_seconds": 0.05}),
        }
        evidence = getattr(base, "evidence", None)
        if evidence is not None:  # each platform its own store, never the working tree's var/
            update["evidence"] = evidence.model_copy(update={"root": EVIDENCE_ROOTS / unique})
        update |= (overrides or {}).get(entry.name, {})
        settings[entry.name] = base.model_copy(update=update)
    return settings


@asynccontextmanager
async def running_platform(
    settings: dict[str, BaseServiceSettings], *, clock: Clock | None = None, seed: bool = True
) -> AsyncIterator[Platform]:
    clock = clock or RunningClock()
    if seed:
        await seed_and_admin(settings["projects-api"], SecretStr(ADMIN_PASSWORD), force_seed=False)
    gateway = Gateway({entry.name: entry.create_app(settings[entry.name], clock) for entry in SERVICES})
    own = gateway._own
    async with own.router.lifespan_context(own):
        transport = httpx.ASGITransport(app=gateway)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
                yield Platform(client=client, gateway=gateway, settings=settings, clock=clock)
        finally:
            for service in settings.values():
                root = getattr(getattr(service, "evidence", None), "root", None)
                if isinstance(root, Path) and root.is_relative_to(EVIDENCE_ROOTS):
                    shutil.rmtree(root, ignore_errors=True)


async def eventually(
    check: Callable[[], Awaitable[bool]], *, timeout: float = 30.0, interval: float = 0.05, what: str = ""
) -> None:
    """Wait, bounded, until `check` holds; fail naming what never happened."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what or check}")


async def region_of(platform: Platform, unit_id: str) -> str:
    """The region segment a unit's project codes carry: its county's administrative code, the city's for a
    city-level unit (the registry's own rule, `gongjian_projects.projects.code_checks`)."""
    async with platform.context("projects-api").sessionmaker() as session:
        return await unit_region(session, uuid.UUID(unit_id)) or "610900"
