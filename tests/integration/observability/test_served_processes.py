"""Issue 17's acceptance on real processes, as docker-compose and the chart run them: `gongjian serve` of each
service (embedded bus, JSON logs, the default outside `make dev`) answers `/metrics`, and a request's JSON log
line in projects-api and the consumers' lines in scoring-worker and notifier carry one correlation id."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from integration.deploy.test_service_processes import (
    SIGNING_KEY,
    Process,
    clean_env,
    free_port,
    running,
    token,
    wait_ready,
)
from integration.observability.obs_support import samples

from gongjian.services import SERVICES
from gongjian_shared.auth import load_private_key, public_key_pem
from support.platform import eventually
from support.servers import PostgresForTests

pytestmark = pytest.mark.asyncio


@dataclass
class Served:
    urls: dict[str, str]
    processes: dict[str, Process]


def service_env(database_url: str) -> dict[str, str]:
    public = public_key_pem(load_private_key(SIGNING_KEY))
    variables: dict[str, str] = {}
    for entry in SERVICES:
        prefix = entry.env_prefix
        variables |= {
            f"{prefix}ENVIRONMENT": "production",
            f"{prefix}DATABASE__URL": database_url,
            f"{prefix}BUS__POLL_INTERVAL_SECONDS": "0.2",
            f"{prefix}AUTH__PUBLIC_KEYS": public,
        }
    return clean_env(**variables, PROJECTS_AUTH__SIGNING_KEYS=SIGNING_KEY)


@pytest.fixture(scope="module")
async def served(
    postgres: PostgresForTests, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Served]:
    database_url = postgres.fresh_database()
    env = service_env(database_url)
    logs = tmp_path_factory.mktemp("observed")
    with ExitStack() as stack:
        urls, processes = {}, {}
        for entry in SERVICES:
            port = free_port()
            args = ["serve", entry.name, "--host", "127.0.0.1", "--port", str(port)]
            processes[entry.name] = stack.enter_context(running(args, env, logs / f"{entry.name}.log"))
            urls[entry.name] = f"http://127.0.0.1:{port}"
        for name, url in urls.items():
            await wait_ready(processes[name], f"{url}/readyz")
        yield Served(urls, processes)
    postgres.drop(database_url)


def json_lines(process: Process) -> list[dict[str, Any]]:
    """The process's log as JSON objects; every line must be one."""
    lines = []
    for raw in process.output().splitlines():
        if raw.strip():
            try:
                lines.append(json.loads(raw))
            except json.JSONDecodeError:
                raise AssertionError(f"a log line is not JSON: {raw!r}") from None
    return lines


async def test_every_served_service_answers_metrics_without_a_token(served: Served) -> None:
    async with httpx.AsyncClient(trust_env=False) as client:
        for name, url in served.urls.items():
            await client.get(f"{url}/healthz")
            response = await client.get(f"{url}/metrics")
            assert response.status_code == 200, name
            found = samples(response.text)
            requests = found["gongjian_http_requests_total"]
            assert any(labels["route"] == "/healthz" and value > 0 for labels, value in requests), name
            assert {labels["service"] for labels, _ in requests} == {name}
            pool = found["gongjian_db_pool_connections"]
            assert any(labels["state"] == "size" and value > 0 for labels, value in pool), name
            assert "gongjian_consumer_lag_events" in found


async def test_a_request_and_the_consumers_of_its_event_log_one_correlation_id(served: Served) -> None:
    correlation = str(uuid.uuid4())
    async with httpx.AsyncClient(base_url=served.urls["projects-api"], trust_env=False) as client:
        created = await client.post(
            "/api/v1/units",
            json={"name": f"进程日志县{uuid.uuid4().hex[:4]}", "kind": "county"},
            headers={"Authorization": f"Bearer {token(SIGNING_KEY)}", "X-Correlation-ID": correlation},
        )
    assert created.status_code == 201, created.text

    def applied(name: str) -> list[dict[str, Any]]:
        return [
            line
            for line in json_lines(served.processes[name])
            if line.get("correlation_id") == correlation and "applied" in line["message"]
        ]

    for consumer in ("scoring-worker", "notifier", "meetings-api"):

        async def logged(consumer: str = consumer) -> bool:
            return bool(applied(consumer))

        await eventually(logged, timeout=30, what=f"{consumer} logging the unit's event")
    (request,) = [
        line
        for line in json_lines(served.processes["projects-api"])
        if line["logger"] == "gongjian.http" and line.get("correlation_id") == correlation
    ]
    assert (request["route"], request["status"], request["service"]) == ("/api/v1/units", 201, "projects-api")
    consumed = applied("scoring-worker")[0]
    assert consumed["service"] == "scoring-worker"
    assert consumed["trace_id"] == request["trace_id"]
    assert uuid.UUID(consumed["event_id"])
