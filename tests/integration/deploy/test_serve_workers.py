"""`gongjian serve projects-api --workers 2` as a real process tree against the session's PostgreSQL: both
workers serve one port, and what a worker keeps in memory follows a change made through the other one (a
disabled account's token is refused on every connection, whichever worker holds it)."""

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
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pytest
from pydantic import SecretStr

from gongjian.services import SERVICES
from gongjian_projects.identity.repository import UserRepository
from gongjian_projects.identity.service import create_user
from gongjian_shared.auth import Principal, Role, TokenIssuer, generate_private_key_pem
from gongjian_shared.clock import SystemClock
from gongjian_shared.db import create_engine, create_sessionmaker, unit_of_work
from gongjian_shared.settings import AuthSettings, DatabaseSettings
from support.servers import PostgresForTests

GONGJIAN = str(Path(sys.executable).with_name("gongjian"))
SIGNING_KEY = generate_private_key_pem()
SERVICE_PREFIXES = (*(entry.env_prefix for entry in SERVICES), "GONGJIAN_")
WORKERS = 2
# How long a change made through one worker may take to reach the other: the bus's delivery (each worker hears
# the account events in its own consumer group), tens of milliseconds; the bound is the default poll interval.
STALENESS_BOUND_S = 1.5
CONNECTIONS = 16
MAX_CONNECTIONS = 64
PASSWORD = "workers-test-password-7Q"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def served(database_url: str, port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(SERVICE_PREFIXES)}
    env |= {
        "PYTHONUNBUFFERED": "1",
        "PROJECTS_ENVIRONMENT": "production",
        "PROJECTS_DATABASE__URL": database_url,
        "PROJECTS_AUTH__SIGNING_KEYS": SIGNING_KEY,
    }
    args = [GONGJIAN, "serve", "projects-api", "--port", str(port), "--workers", str(WORKERS)]
    with log.open("wb") as sink:
        process = subprocess.Popen(args, env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            for child in psutil.Process(process.pid).children(recursive=True):
                child.kill()
            process.kill()
            process.wait(5)


def output(log: Path) -> str:
    return log.read_text(errors="replace")


def workers_of(server_pid: int) -> list[psutil.Process]:
    """The live worker processes under uvicorn's supervisor (not multiprocessing's resource tracker)."""
    workers = []
    for child in psutil.Process(server_pid).children():
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "spawn_main" in " ".join(child.cmdline()):
                workers.append(child)
        except psutil.NoSuchProcess:
            continue
    return workers


async def wait_ready(process: subprocess.Popen[bytes], url: str, log: Path, timeout: float = 90) -> None:
    """Ready once every worker has logged its startup and /readyz answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"exited with {process.returncode}:\n{output(log)}"
        # every worker has started its app (a worker still starting accepts no connection)
        if output(log).count("Application startup complete") >= WORKERS:
            async with httpx.AsyncClient(trust_env=False, timeout=2) as client:
                try:
                    if (await client.get(url)).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
        await asyncio.sleep(0.2)
    raise AssertionError(f"{url} not ready within {timeout}s:\n{output(log)}")


async def create_account(
    database_url: str, username: str, roles: list[Role], unit_id: uuid.UUID | None = None
) -> uuid.UUID:
    """An account written straight to the table (no event: the workers learn of it from the rows)."""
    engine = create_engine(DatabaseSettings(url=SecretStr(database_url), pool_size=1, max_overflow=0))
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            user = await create_user(
                UserRepository(session),
                username=username,
                password=PASSWORD,
                display_name="多进程测试",
                roles=roles,
                unit_id=unit_id,
            )
            return user.id
    finally:
        await engine.dispose()


async def sign_in(base_url: str, username: str) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=base_url, trust_env=False, timeout=10) as login:
        signed_in = await login.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    return {"Authorization": f"Bearer {signed_in.json()['access_token']}"}


def admin_token() -> str:
    principal = Principal(uuid.uuid4(), "workers-admin", None, frozenset({"admin"}))
    settings = AuthSettings(signing_keys=[SecretStr(SIGNING_KEY)], sign=True)
    return TokenIssuer(settings, SystemClock()).issue(principal)


def worker_of_each_connection(server_pid: int, port: int) -> dict[int, int]:
    """Client port -> pid of the worker holding that connection's server side."""
    owners = {}
    for worker in workers_of(server_pid):
        for connection in worker.net_connections(kind="tcp"):
            if connection.laddr and connection.laddr.port == port and connection.raddr:
                owners[connection.raddr.port] = worker.pid
    return owners


async def open_clients(
    stack: AsyncExitStack, base_url: str, headers: dict[str, str], count: int, path: str
) -> list[tuple[httpx.AsyncClient, int]]:
    """`count` clients of one kept-alive connection each, each having answered `path`: (client, its port)."""
    opened = []
    for _ in range(count):
        client = await stack.enter_async_context(
            httpx.AsyncClient(
                base_url=base_url,
                headers=headers,
                trust_env=False,
                timeout=10,
                limits=httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=120),
            )
        )
        answer = await client.get(path)
        assert answer.status_code == 200, answer.text
        _, client_port = answer.extensions["network_stream"].get_extra_info("client_addr")
        opened.append((client, client_port))
    return opened


async def refused_within(client: httpx.AsyncClient, bound_s: float) -> float:
    """Seconds until the client's token is refused (401), failing past `bound_s`."""
    started = time.monotonic()
    while True:
        answer = await client.get("/api/v1/auth/me")
        elapsed = time.monotonic() - started
        if answer.status_code == 401:
            return elapsed
        assert answer.status_code == 200, answer.text
        assert elapsed < bound_s, f"still accepted {elapsed:.2f} s after the account was disabled"
        await asyncio.sleep(0.005)


async def disabled_once(base_url: str, account_id: uuid.UUID) -> None:
    headers = {"Authorization": f"Bearer {admin_token()}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, trust_env=False, timeout=10) as admin:
        current = await admin.get(f"/api/v1/accounts/{account_id}")
        assert current.status_code == 200, current.text
        changed = await admin.patch(
            f"/api/v1/accounts/{account_id}",
            json={"active": False},
            headers={"If-Match": current.headers["ETag"]},
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["active"] is False


@dataclass
class Workers:
    process: subprocess.Popen[bytes]
    port: int
    base_url: str
    database_url: str
    log: Path


@pytest.fixture
async def workers(postgres: PostgresForTests, tmp_path: Path) -> AsyncIterator[Workers]:
    """`gongjian serve projects-api --workers 2` on a fresh database, every worker ready."""
    database_url = postgres.fresh_database()
    port, log = free_port(), tmp_path / "serve.log"
    try:
        with served(database_url, port, log) as process:
            base_url = f"http://127.0.0.1:{port}"
            await wait_ready(process, f"{base_url}/readyz", log)
            yield Workers(process, port, base_url, database_url, log)
        assert process.returncode == 0, output(log)
    finally:
        postgres.drop(database_url)


async def clients_on_every_worker(
    stack: AsyncExitStack, served: Workers, headers: dict[str, str], path: str
) -> list[tuple[httpx.AsyncClient, int]]:
    """Kept-alive connections, each having answered `path` once, until both workers hold some."""
    clients = await open_clients(stack, served.base_url, headers, CONNECTIONS, path)
    owners = worker_of_each_connection(served.process.pid, served.port)
    while len(set(owners.values())) < WORKERS and len(clients) < MAX_CONNECTIONS:
        clients += await open_clients(stack, served.base_url, headers, CONNECTIONS, path)
        owners = worker_of_each_connection(served.process.pid, served.port)
    reached = {owners.get(client_port) for _, client_port in clients}
    assert len(reached - {None}) == WORKERS, f"the connections reached only {reached}"
    return clients


async def test_an_account_disabled_through_one_worker_is_refused_by_every_worker(workers: Workers) -> None:
    account_id = await create_account(workers.database_url, "workers-office", [Role.OFFICE])
    headers = await sign_in(workers.base_url, "workers-office")
    async with AsyncExitStack() as stack:
        clients = await clients_on_every_worker(stack, workers, headers, "/api/v1/auth/me")

        await disabled_once(workers.base_url, account_id)

        delays = await asyncio.gather(*(refused_within(client, STALENESS_BOUND_S) for client, _ in clients))
        # from then on, on every connection (both workers) and on new ones: refused, every time
        for _ in range(10):
            answers = await asyncio.gather(*(client.get("/api/v1/auth/me") for client, _ in clients))
            assert [answer.status_code for answer in answers] == [401] * len(clients)
        closing = headers | {"Connection": "close"}  # a new connection each time
        async with httpx.AsyncClient(base_url=workers.base_url, headers=closing, trust_env=False) as fresh:
            for _ in range(20):
                assert (await fresh.get("/api/v1/auth/me")).status_code == 401
        print(f"refused on every connection within {max(delays) * 1000:.0f} ms of the disable")


async def listed_within(client: httpx.AsyncClient, username: str, bound_s: float) -> float:
    """Seconds until the caller's account list shows `username`, failing past `bound_s`."""
    started = time.monotonic()
    while True:
        answer = await client.get("/api/v1/accounts", params={"limit": 100})
        assert answer.status_code == 200, answer.text
        elapsed = time.monotonic() - started
        if username in {item["username"] for item in answer.json()["items"]}:
            return elapsed
        assert elapsed < bound_s, f"{username} still not in the caller's scope {elapsed:.2f} s after"
        await asyncio.sleep(0.005)


async def test_a_unit_added_through_one_worker_is_in_every_workers_access_scope(workers: Workers) -> None:
    """Each worker caches the unit tree for access decisions: a county's account administrator sees the
    accounts of a unit added under the county, whichever worker answers, once the change's event arrived."""
    admin = {"Authorization": f"Bearer {admin_token()}"}
    async with httpx.AsyncClient(base_url=workers.base_url, headers=admin, trust_env=False) as client:
        county = await client.post("/api/v1/units", json={"name": "测试县", "kind": "county"})
        assert county.status_code == 201, county.text
        county_id = uuid.UUID(county.json()["id"])
    await create_account(workers.database_url, "workers-county-admin", [Role.UNIT_ADMIN], county_id)
    headers = await sign_in(workers.base_url, "workers-county-admin")
    async with AsyncExitStack() as stack:
        # every connection's worker has loaded its tree: the county alone
        clients = await clients_on_every_worker(stack, workers, headers, "/api/v1/accounts")

        async with httpx.AsyncClient(base_url=workers.base_url, headers=admin, trust_env=False) as client:
            zone = await client.post(
                "/api/v1/units", json={"name": "测试园区", "kind": "zone", "parent_unit_id": str(county_id)}
            )
        assert zone.status_code == 201, zone.text
        await create_account(
            workers.database_url, "workers-zone-reporter", [Role.REPORTER], uuid.UUID(zone.json()["id"])
        )

        delays = await asyncio.gather(
            *(listed_within(client, "workers-zone-reporter", STALENESS_BOUND_S) for client, _ in clients)
        )
        for _ in range(5):
            answers = await asyncio.gather(
                *(client.get("/api/v1/accounts", params={"limit": 100}) for client, _ in clients)
            )
            for answer in answers:
                assert "workers-zone-reporter" in {item["username"] for item in answer.json()["items"]}
        print(f"in scope on every connection within {max(delays) * 1000:.0f} ms of the new unit")
