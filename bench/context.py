"""What every benchmark of one run shares: ONE embedded PostgreSQL, ONE Kafka broker (started on first use),
migrated databases and generated data sets, all torn down at the end.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Literal, TypeVar

import asyncpg
from pydantic import SecretStr

from bench.generate import Dataset, Scale, load
from gongjian.assembly import PlatformSettings, migrate, service_settings
from gongjian.infra.kafka import KafkaBroker
from gongjian.infra.postgres import EmbeddedPostgres
from gongjian.services import SERVICES
from gongjian_shared.auth import generate_private_key_pem
from gongjian_shared.settings import AuthSettings, BaseServiceSettings

Mode = Literal["quick", "default", "full"]
T = TypeVar("T")

ADMIN_DATABASE = "postgres"
TEMPLATE_DATABASE = "bench_template"


class Context:
    def __init__(self, mode: Mode, workdir: Path | None = None) -> None:
        self.mode = mode
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="gongjian-bench-"))
        self.started: dict[str, str] = {}
        self._postgres: EmbeddedPostgres | None = None
        self._kafka: KafkaBroker | None = None
        self._template_ready = False
        self._datasets: dict[Scale, Dataset] = {}
        self._lock = asyncio.Lock()

    def pick(self, quick: T, default: T, full: T) -> T:
        """The figure for this run's mode, e.g. a sample count or a duration."""
        return {"quick": quick, "default": default, "full": full}[self.mode]

    async def postgres(self) -> EmbeddedPostgres:
        if self._postgres is None:
            server = EmbeddedPostgres(self.workdir / "postgres", durable=False)
            await asyncio.to_thread(server.start)
            self._postgres = server
            self.started["PostgreSQL"] = (
                f"{server.version} (embedded, durable=False) on 127.0.0.1:{server.port}"
            )
        return self._postgres

    async def kafka(self) -> KafkaBroker:
        if self._kafka is None:
            broker = KafkaBroker(self.workdir / "kafka")
            await asyncio.to_thread(broker.start, 120)
            self._kafka = broker
            self.started["Kafka"] = f"{broker.version} (KRaft, one node) on {broker.bootstrap_servers}"
        return self._kafka

    def service_settings(
        self,
        database_url: str,
        *,
        bus: Literal["embedded", "kafka"] = "embedded",
        kafka_bootstrap: str | None = None,
    ) -> dict[str, BaseServiceSettings]:
        """Every service's settings on one database, as the platform builds them (environment `test`)."""
        platform = PlatformSettings(environment="test", bus=bus, auth=random_auth())
        return {
            entry.name: service_settings(entry, database_url, platform, kafka_bootstrap) for entry in SERVICES
        }

    async def fresh_database(self, label: str) -> str:
        """A new database migrated to every service's head; returns its SQLAlchemy (asyncpg) URL."""
        server = await self.postgres()
        async with self._lock:
            if not self._template_ready:
                await self._admin(f'DROP DATABASE IF EXISTS "{TEMPLATE_DATABASE}"')
                await self._admin(f'CREATE DATABASE "{TEMPLATE_DATABASE}"')
                await migrate(self.service_settings(server.url(TEMPLATE_DATABASE)))
                self._template_ready = True
        name = f"bench_{label}_{uuid.uuid4().hex[:8]}"
        await self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DATABASE}"')
        return server.url(name)

    async def dataset(self, scale: Scale) -> Dataset:
        """A migrated database holding `scale` of synthetic data; loaded once per run and shared."""
        if scale not in self._datasets:
            url = await self.fresh_database("data")
            self._datasets[scale] = await load(plain_dsn(url), scale)
        return self._datasets[scale]

    async def _admin(self, statement: str) -> None:
        server = await self.postgres()
        connection = await asyncpg.connect(server.dsn(ADMIN_DATABASE), timeout=30)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    async def close(self) -> None:
        if self._kafka is not None:
            await asyncio.to_thread(self._kafka.stop)
            self._kafka = None
        if self._postgres is not None:
            await asyncio.to_thread(self._postgres.stop)
            self._postgres = None
        shutil.rmtree(self.workdir, ignore_errors=True)


def random_auth() -> AuthSettings:
    """A throwaway Ed25519 signing key: outside development a service refuses to start without one."""
    return AuthSettings(signing_keys=[SecretStr(generate_private_key_pem())])


def plain_dsn(url: str) -> str:
    """postgresql+asyncpg://... -> postgresql://..., as asyncpg takes it."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)
