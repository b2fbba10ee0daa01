"""Fixtures of the evidence tests: the platform on each storage backend (the real S3 server started on first use)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from gongjian.infra.s3proxy import S3ProxyServer
from gongjian_shared.evidence.s3 import S3Store
from gongjian_shared.evidence.settings import EvidenceSettings, S3StoreSettings
from support.platform import EVIDENCE_ROOTS, Platform, platform_settings, running_platform

MAX_FILE_BYTES = 64 * 1024  # small, so the oversized file stays small too


async def backend_settings(backend: str, request: pytest.FixtureRequest) -> EvidenceSettings:
    unique = uuid.uuid4().hex[:12]
    if backend == "filesystem":
        return EvidenceSettings(root=EVIDENCE_ROOTS / f"evidence-{unique}", max_file_bytes=MAX_FILE_BYTES)
    server: S3ProxyServer = request.getfixturevalue("s3proxy")
    s3 = S3StoreSettings(
        endpoint_url=server.endpoint_url,
        bucket=f"evidence-{unique}",
        access_key_id=SecretStr(server.identity),
        secret_access_key=SecretStr(server.credential),
    )
    await S3Store(s3).ensure_bucket()
    return EvidenceSettings(backend="s3", s3=s3, max_file_bytes=MAX_FILE_BYTES)


@pytest.fixture(params=["filesystem", "s3"])
async def stored(request: pytest.FixtureRequest, database_url: str) -> AsyncIterator[Platform]:
    """The platform with both services' evidence on one backend: the local file system, or the real S3 server."""
    evidence = await backend_settings(request.param, request)
    overrides = {
        "projects-api": {"evidence": evidence, "scheduler_enabled": False},
        "meetings-api": {"evidence": evidence},
    }
    async with running_platform(platform_settings(database_url, overrides=overrides)) as platform:
        await platform.login()
        yield platform
