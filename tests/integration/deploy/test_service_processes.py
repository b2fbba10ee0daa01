"""The per-service entry points docker-compose runs, as real processes against the session's real PostgreSQL
and Kafka broker: `gongjian migrate-service`, `seed` on external URLs, `serve`, `relay` and `health-gateway`."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from alembic.script import ScriptDirectory
from pydantic import SecretStr

from gongjian.infra.kafka import KafkaBroker
from gongjian.serve import build_health_gateway
from gongjian.services import SERVICES, service
from gongjian_shared.auth import (
    JWKS_PATH,
    Principal,
    TokenIssuer,
    generate_private_key_pem,
    key_id,
    load_private_key,
)
from gongjian_shared.clock import SystemClock
from gongjian_shared.events.envelope import EventEnvelope
from gongjian_shared.events.registry import stream_of, topic_name
from gongjian_shared.migrations import alembic_config
from gongjian_shared.settings import AuthSettings
from support.platform import eventually
from support.servers import PostgresForTests

GONGJIAN = str(Path(sys.executable).with_name("gongjian"))
SIGNING_KEY = generate_private_key_pem()
PROJECTS = service("projects-api")
SERVICE_PREFIXES = (*(entry.env_prefix for entry in SERVICES), "GONGJIAN_")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def clean_env(**variables: str) -> dict[str, str]:
    """The machine's environment without any Gongjian setting, plus exactly the given ones."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(SERVICE_PREFIXES)}
    return env | {"PYTHONUNBUFFERED": "1"} | variables


def compose_like_env(database_url: str, kafka: KafkaBroker, topic_prefix: str) -> dict[str, str]:
    """What docker-compose.yml gives the projects-api containers, pointed at the session's servers."""
    return clean_env(
        PROJECTS_ENVIRONMENT="production",
        PROJECTS_DATABASE__URL=database_url,
        PROJECTS_BUS__KIND="kafka",
        PROJECTS_BUS__RUN_RELAY="false",
        PROJECTS_BUS__POLL_INTERVAL_SECONDS="0.2",
        PROJECTS_KAFKA__BOOTSTRAP=kafka.bootstrap_servers,
        PROJECTS_KAFKA__TOPIC_PREFIX=topic_prefix,
        PROJECTS_KAFKA__GROUP_PREFIX=topic_prefix,
        PROJECTS_AUTH__SIGNING_KEYS=SIGNING_KEY,
    )


@dataclass
class Process:
    popen: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout: float = 20) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(5)
            raise AssertionError(f"did not stop within {timeout}s of SIGTERM:\n{self.output()}") from None


@contextmanager
def running(args: list[str], env: dict[str, str], log: Path) -> Iterator[Process]:
    with log.open("wb") as sink:
        process = Process(
            subprocess.Popen([GONGJIAN, *args], env=env, stdout=sink, stderr=subprocess.STDOUT), log
        )
    try:
        yield process
    finally:
        process.stop()


async def run(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run, [GONGJIAN, *args], env=env, capture_output=True, text=True, timeout=timeout
    )


async def wait_ready(process: Process, url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(trust_env=False, timeout=2) as client:
        while time.monotonic() < deadline:
            assert process.popen.poll() is None, (
                f"exited with {process.popen.returncode}:\n{process.output()}"
            )
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError(f"{url} not ready within {timeout}s:\n{process.output()}")


@pytest.fixture
def empty_database(postgres: PostgresForTests) -> Iterator[str]:
    """A database with no schema at all, as a new docker-compose PostgreSQL has."""
    name = f"deploy_{uuid.uuid4().hex[:12]}"
    postgres.server.create_database(name)
    yield postgres.server.url(name)
    postgres.server.drop_database(name)


async def scalar(database_url: str, sql: str, *args: object) -> object:
    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        return await connection.fetchval(sql, *args)
    finally:
        await connection.close()


async def migrated_schemas(database_url: str) -> dict[str, str]:
    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        found = {}
        for entry in SERVICES:
            schema = entry.spec.schema
            if await connection.fetchval("SELECT to_regclass($1)", f'"{schema}".alembic_version'):
                found[schema] = await connection.fetchval(
                    f'SELECT version_num FROM "{schema}".alembic_version'
                )
        return found
    finally:
        await connection.close()


def head(entry_name: str) -> str:
    entry = service(entry_name)
    revision = ScriptDirectory.from_config(alembic_config(entry.migrations, "unused")).get_current_head()
    assert revision is not None
    return revision


# --- one-shot commands ---------------------------------------------------------------------------------------


async def test_migrate_service_upgrades_only_its_own_schema_and_can_run_again(empty_database: str) -> None:
    env = clean_env(PROJECTS_DATABASE__URL=empty_database)
    for _ in range(2):
        result = await run(["migrate-service", "projects-api"], env)
        assert result.returncode == 0, result.stdout + result.stderr
    assert await migrated_schemas(empty_database) == {PROJECTS.spec.schema: head("projects-api")}


async def test_seed_on_external_database_urls_starts_no_embedded_server(
    empty_database: str, tmp_path: Path
) -> None:
    urls = {f"{entry.env_prefix}DATABASE__URL": empty_database for entry in SERVICES}
    env = clean_env(
        **urls, GONGJIAN_STATE_DIR=str(tmp_path / "state"), GONGJIAN_ADMIN_PASSWORD="deploy-admin"
    )
    result = await run(["seed"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert await migrated_schemas(empty_database) == {
        entry.spec.schema: head(entry.name) for entry in SERVICES
    }
    assert await scalar(empty_database, "SELECT count(*) FROM projects.units") == 36
    assert await scalar(empty_database, "SELECT count(*) FROM projects.users WHERE username = 'admin'") == 1
    assert not (tmp_path / "state").exists(), "an embedded PostgreSQL was started"


async def test_invalid_settings_exit_with_the_variable_named(empty_database: str) -> None:
    env = clean_env(PROJECTS_DATABASE__URL=empty_database, PROJECTS_BUS__KIND="rabbitmq")
    result = await run(["serve", "projects-api", "--port", str(free_port())], env)
    assert result.returncode == 2
    assert "PROJECTS_BUS__KIND" in result.stderr
    result = await run(["relay", "projects-api"], clean_env(PROJECTS_DATABASE__URL=empty_database))
    assert result.returncode == 2
    assert "PROJECTS_BUS__KIND=kafka" in result.stderr
    # outside development the service that signs tokens needs its key, the others a way to verify them
    production = clean_env(PROJECTS_DATABASE__URL=empty_database, PROJECTS_ENVIRONMENT="production")
    result = await run(["serve", "projects-api", "--port", str(free_port())], production)
    assert result.returncode == 2
    assert "PROJECTS_AUTH__SIGNING_KEYS" in result.stderr
    production = clean_env(MEETINGS_DATABASE__URL=empty_database, MEETINGS_ENVIRONMENT="production")
    result = await run(["serve", "meetings-api", "--port", str(free_port())], production)
    assert result.returncode == 2
    assert "MEETINGS_AUTH__JWKS_URL" in result.stderr


# --- the running containers' processes -----------------------------------------------------------------------


@dataclass
class Served:
    url: str
    database_url: str
    env: dict[str, str]
    topic_prefix: str
    process: Process


@pytest.fixture(scope="module")
async def served(
    postgres: PostgresForTests, kafka: KafkaBroker, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Served]:
    """`gongjian serve projects-api` configured as in docker-compose.yml: Kafka bus, relay elsewhere."""
    database_url = postgres.fresh_database()
    topic_prefix = f"t{uuid.uuid4().hex[:10]}."
    env = compose_like_env(database_url, kafka, topic_prefix)
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "projects-api.log"
    with running(["serve", "projects-api", "--host", "127.0.0.1", "--port", str(port)], env, log) as process:
        url = f"http://127.0.0.1:{port}"
        await wait_ready(process, f"{url}/readyz")
        yield Served(url, database_url, env, topic_prefix, process)
        assert process.stop() == 0, process.output()
    postgres.drop(database_url)


def token(signing_key: str) -> str:
    principal = Principal(uuid.uuid4(), "deploy-test", None, frozenset({"admin"}))
    settings = AuthSettings(signing_keys=[SecretStr(signing_key)], sign=True)
    return TokenIssuer(settings, SystemClock()).issue(principal)


async def test_served_service_is_alive_and_ready_with_the_relay_left_to_its_container(served: Served) -> None:
    async with httpx.AsyncClient(base_url=served.url, trust_env=False) as client:
        alive = await client.get("/healthz")
        ready = await client.get("/readyz")
    assert alive.status_code == 200
    assert alive.json() == {"status": "alive", "service": "projects-api"}
    assert ready.status_code == 200, ready.text
    body = ready.json()
    assert body["database"] is True
    assert body["bus"]["kind"] == "kafka"
    assert body["bus"]["reachable"] is True
    assert "relay" not in body["bus"], "BUS__RUN_RELAY=false must leave publishing to the relay container"


async def test_served_projects_api_publishes_its_token_keys_without_a_token(served: Served) -> None:
    async with httpx.AsyncClient(base_url=served.url, trust_env=False) as client:
        response = await client.get(JWKS_PATH)
    assert response.status_code == 200, response.text
    (jwk,) = response.json()["keys"]
    assert jwk["kid"] == key_id(load_private_key(SIGNING_KEY).public_key())
    assert (jwk["kty"], jwk["crv"], jwk["alg"]) == ("OKP", "Ed25519", "EdDSA") and "d" not in jwk


async def test_relay_publishes_what_the_served_service_wrote_and_stops_on_sigterm(
    served: Served, kafka: KafkaBroker, tmp_path: Path
) -> None:
    async with httpx.AsyncClient(base_url=served.url, trust_env=False) as client:
        forged = await client.post(
            "/api/v1/units",
            json={"name": "伪造", "kind": "department"},
            headers={"Authorization": f"Bearer {token(generate_private_key_pem())}"},
        )
        assert forged.status_code == 401
        assert forged.headers["content-type"].startswith("application/problem+json")
        created = await client.post(
            "/api/v1/units",
            json={"name": f"部署-{uuid.uuid4().hex[:6]}", "kind": "department"},
            headers={"Authorization": f"Bearer {token(SIGNING_KEY)}"},
        )
    assert created.status_code == 201, created.text
    unit_id = created.json()["id"]
    outbox = f'"{PROJECTS.spec.schema}".outbox'
    event_id = await scalar(served.database_url, f"SELECT event_id FROM {outbox} WHERE key = $1", unit_id)
    assert event_id is not None
    await asyncio.sleep(1.0)  # the API process would have published by now had it run a relay
    assert await scalar(served.database_url, f"SELECT sent_at FROM {outbox} WHERE key = $1", unit_id) is None

    topic = topic_name(served.topic_prefix, stream_of("unit-updated"))
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka.bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        with running(["relay", "projects-api"], served.env, tmp_path / "relay.log") as relay:
            received = await next_event(consumer, event_id)
            assert received.type == "unit-updated"
            assert str(received.payload["unit_id"]) == unit_id

            async def stamped() -> bool:
                sql = f"SELECT sent_at IS NOT NULL FROM {outbox} WHERE key = $1"
                return bool(await scalar(served.database_url, sql, unit_id))

            await eventually(stamped, timeout=15, what="the outbox row stamped as sent")
            started = time.monotonic()
            assert relay.stop() == 0, relay.output()
            assert time.monotonic() - started < 10
            assert "relay for projects-api stopped after publishing" in relay.output()
    finally:
        await consumer.stop()


async def next_event(consumer: AIOKafkaConsumer, event_id: object, timeout: float = 30) -> EventEnvelope:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batches = await consumer.getmany(timeout_ms=500)
        for messages in batches.values():
            for message in messages:
                envelope = EventEnvelope.model_validate_json(message.value)
                if envelope.event_id == event_id:
                    return envelope
    raise AssertionError(f"event {event_id} not on Kafka within {timeout}s")


async def test_health_gateway_process_answers_for_a_ready_service(served: Served, tmp_path: Path) -> None:
    port = free_port()
    args = ["health-gateway", "--port", str(port), "--upstream", f"projects-api={served.url}"]
    with running(args, clean_env(), tmp_path / "health.log") as health:
        await wait_ready(health, f"http://127.0.0.1:{port}/readyz")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", trust_env=False) as client:
            healthz = await client.get("/healthz")
            docs = await client.get("/docs")
            swagger = await client.get("/docs/assets/swagger-ui-bundle.js")
            merged = await client.get("/openapi.json")
        assert health.stop() == 0, health.output()
    assert healthz.status_code == 200, healthz.text
    assert healthz.json()["ready"] is True
    assert healthz.json()["services"]["projects-api"]["bus"]["kind"] == "kafka"
    assert 'href="/docs/projects-api"' in docs.text
    assert 'src="/docs/assets/swagger-ui-bundle.js"' in docs.text and swagger.status_code == 200
    assert "/api/v1/projects" in merged.json()["paths"] and "/healthz" not in merged.json()["paths"]


async def test_health_gateway_is_unavailable_while_any_service_is_not_ready(served: Served) -> None:
    app = build_health_gateway(
        {"projects-api": served.url, "meetings-api": f"http://127.0.0.1:{free_port()}"}, timeout=2
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            response = await client.get("/healthz")
    assert response.status_code == 503
    services = response.json()["services"]
    assert services["projects-api"]["ready"] is True
    assert services["meetings-api"]["ready"] is False
    assert "ConnectError" in services["meetings-api"]["error"]


async def test_health_gateway_answers_paths_no_service_owns_with_problem_details() -> None:
    app = build_health_gateway({"projects-api": f"http://127.0.0.1:{free_port()}"})
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            response = await client.get("/api/v1/unitsx")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["instance"] == "/api/v1/unitsx"
