"""The real servers a test session starts: one PostgreSQL; one Kafka broker and one S3-compatible server (S3Proxy),
each started on first use."""

from __future__ import annotations

import asyncio
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from gongjian.assembly import PlatformSettings, migrate, service_settings
from gongjian.infra.kafka import KafkaBroker
from gongjian.infra.postgres import EmbeddedPostgres
from gongjian.infra.s3proxy import S3ProxyServer
from gongjian.services import SERVICES

STARTED: dict[str, str] = {}


@dataclass
class PostgresForTests:
    server: EmbeddedPostgres
    worker: str
    template: str = ""
    created: list[str] = field(default_factory=list)

    def prepare_template(self) -> None:
        """Migrate every service once into a template; each test copies it (CREATE DATABASE ... TEMPLATE)."""
        self.template = f"gongjian_template_{self.worker}"
        self.server.drop_database(self.template)
        self.server.create_database(self.template)
        url = self.server.url(self.template)
        platform = PlatformSettings()
        settings = {entry.name: service_settings(entry, url, platform, None) for entry in SERVICES}
        asyncio.run(migrate(settings))

    def fresh_database(self) -> str:
        name = f"test_{self.worker}_{uuid.uuid4().hex[:12]}"
        self.server._psql(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self.created.append(name)
        return self.server.url(name)

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self.server.drop_database(name)


def start_postgres(base: Path, worker: str) -> PostgresForTests:
    server = EmbeddedPostgres(base / "postgres", durable=False)
    server.start()
    STARTED["PostgreSQL"] = f"{server.version} (embedded wheel) on 127.0.0.1:{server.port}"
    pg = PostgresForTests(server=server, worker=worker)
    pg.prepare_template()
    return pg


def start_kafka(base: Path) -> KafkaBroker:
    broker = KafkaBroker(base / "kafka")
    broker.start(timeout=120)
    STARTED["Kafka"] = f"{broker.version} (KRaft, from Maven Central jars) on {broker.bootstrap_servers}"
    return broker


def start_s3proxy(base: Path) -> S3ProxyServer:
    server = S3ProxyServer(base / "s3proxy")
    server.start(timeout=120)
    STARTED["S3Proxy"] = (
        f"{server.version} (S3-compatible, filesystem-nio2 backend, from Maven Central jars) on {server.endpoint_url}"
    )
    return server


def worker_id() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")
