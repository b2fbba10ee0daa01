"""Servers under test, each in its own process so the load generator never shares their event loop.

Child side (`python -m bench.serve KIND --port P --database-url URL ...`):
- `projects-api`: the real app, `create_app(settings)`, with its lifespan;
- `bare`: Starlette + one asyncpg pool, running the same `SELECT` as the projects-api repository;
- `platform`: every service behind the gateway, as `gongjian dev` serves them (embedded bus or Kafka).
All three run under uvicorn with the same options (uvloop and httptools when installed, one worker), and on
a clock that starts at `BENCH_START` (or `--clock-start`) and runs on with the wall clock, so that no figure
depends on the day the benchmark runs: a progress report is refused outside its month's reporting window.

Parent side: `serve(...)` starts one, waits (bounded) until it is ready, and stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import json
import os
import signal
import socket
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import uvicorn
from sqlalchemy import Table
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench.context import plain_dsn, random_auth
from gongjian.assembly import PlatformSettings, service_settings
from gongjian.gateway import Gateway
from gongjian.serve import settled_after_start
from gongjian.services import SERVICES, service
from gongjian_projects.models import Project
from gongjian_shared.clock import SHANGHAI

REPO_ROOT = Path(__file__).resolve().parents[1]
# Where the servers' clock starts: a Wednesday morning inside June 2019's reporting window (25 June to the end of
# 5 July, Asia/Shanghai), in the year the generator's data belongs to (`Scale.year`).
BENCH_START = datetime(2019, 6, 26, 10, tzinfo=SHANGHAI)
READY_PATHS = {"projects-api": "/readyz", "bare": "/readyz", "platform": "/healthz"}
_PR_SET_PDEATHSIG = 1


class RunningClock:
    """Time from a fixed start, moving as the wall clock moves (the servers' clock: see the module's note)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("RunningClock needs a timezone-aware start")
        self._start = start.astimezone(UTC)
        self._started = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._started)


def uvicorn_config(app: Any, port: int) -> uvicorn.Config:
    # Keep-alive longer than uvicorn's 5 s default: a client pool idle while the other server is measured
    # would otherwise find its connections closed and pay for new ones inside the next measurement.
    return uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_keep_alive=120,
    )


def select_project_sql() -> str:
    """The statement the projects-api repository's `get` issues: every mapped column, by primary key."""
    table = Project.__table__
    assert isinstance(table, Table)
    columns = ", ".join(f'"{column.name}"' for column in table.columns)
    return f'SELECT {columns} FROM "{table.schema}"."{table.name}" WHERE id = $1'


def bare_app(dsn: str, pool_size: int) -> Starlette:
    query = select_project_sql()
    state: dict[str, asyncpg.Pool] = {}

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        state["pool"] = await asyncpg.create_pool(dsn, min_size=min(10, pool_size), max_size=pool_size)
        try:
            yield
        finally:
            await state["pool"].close()

    async def get_project(request: Request) -> Response:
        try:
            project_id = uuid.UUID(request.path_params["project_id"])
        except ValueError:
            return JSONResponse({"detail": "not a uuid"}, status_code=422)
        row = await state["pool"].fetchrow(query, project_id)
        if row is None:
            return JSONResponse({"detail": "not found"}, status_code=404)
        body = json.dumps(dict(row), default=str, ensure_ascii=False)
        return Response(body, media_type="application/json")

    async def readyz(_: Request) -> Response:
        return JSONResponse({"ready": "pool" in state})

    routes = [Route("/api/v1/projects/{project_id}", get_project), Route("/readyz", readyz)]
    return Starlette(routes=routes, lifespan=lifespan)


def _child_app(args: argparse.Namespace) -> Any:
    if args.kind == "bare":
        return bare_app(plain_dsn(args.database_url), args.pool)
    clock = RunningClock(datetime.fromisoformat(args.clock_start))
    platform = PlatformSettings(environment="test", bus=args.bus, auth=random_auth())
    settings = {}
    for entry in SERVICES:
        base = service_settings(entry, args.database_url, platform, args.kafka_bootstrap)
        kafka = base.kafka.model_copy(update={"topic_prefix": args.prefix, "group_prefix": args.prefix})
        settings[entry.name] = base.model_copy(update={"kafka": kafka})
    if args.kind == "projects-api":  # as `gongjian serve projects-api` serves it
        return settled_after_start(service("projects-api").create_app(settings["projects-api"], clock))
    return Gateway({entry.name: entry.create_app(settings[entry.name], clock) for entry in SERVICES})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve")
    parser.add_argument("kind", choices=sorted(READY_PATHS))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--pool", type=int, default=20, help="bare: asyncpg pool size")
    parser.add_argument("--bus", choices=("embedded", "kafka"), default="embedded")
    parser.add_argument("--kafka-bootstrap")
    parser.add_argument("--prefix", default="bench.", help="Kafka topic and group prefix")
    parser.add_argument(
        "--clock-start", default=BENCH_START.isoformat(), help="ISO-8601 instant the servers' clock starts at"
    )
    args = parser.parse_args(argv)
    uvicorn.Server(uvicorn_config(_child_app(args), args.port)).run()
    return 0


# ---------------------------------------------------------------- parent side


@dataclass(frozen=True)
class Server:
    kind: str
    pid: int
    base_url: str
    log_path: Path

    def cpu_seconds(self) -> float:
        """User + system CPU the server process has used so far (Linux /proc), or NaN elsewhere."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rpartition(")")[2].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return float("nan")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _die_with_parent() -> Callable[[], None] | None:
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def preexec() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)

    return preexec


@asynccontextmanager
async def serve(
    kind: str, workdir: Path, database_url: str, *extra: str, ready_timeout: float = 90.0
) -> AsyncIterator[Server]:
    """Run one server in a child process until the block ends; its output goes to a log in `workdir`."""
    port = free_port()
    log_path = workdir / f"{kind}-{port}.log"
    args = [sys.executable, "-m", "bench.serve", kind, "--port", str(port), "--database-url", database_url]
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            *args, *extra, cwd=REPO_ROOT, stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
            preexec_fn=_die_with_parent(),
        )  # fmt: skip
    server = Server(kind, process.pid, f"http://127.0.0.1:{port}", log_path)
    try:
        await _wait_ready(server, process, READY_PATHS[kind], ready_timeout)
        await settled(server)
        yield server
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                await process.wait()


async def settled(server: Server, idle_share: float = 0.2, timeout: float = 300.0) -> None:
    """Wait (bounded) until the server's background work at start is done: on a clock starting at BENCH_START,
    the previous month's deadlines are due, and projects-api's scheduler spends its first minutes on them
    (May 2019's reminder and freeze: about 13 s of CPU on the --quick data, about 140 s on the default data's
    100,000 projects), which would land inside the measurements. Said aloud when it is still busy at the end."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        before = server.cpu_seconds()
        await asyncio.sleep(1.0)
        if not server.cpu_seconds() - before > idle_share:  # NaN (no /proc): nothing to wait for
            if time.monotonic() - started > 5:
                print(f"  ({server.kind} settled {time.monotonic() - started:.0f} s after start)", flush=True)
            return
    print(
        f"  WARNING: {server.kind} still busy {timeout:.0f} s after start: its start-up work overlaps the "
        "measurements",
        flush=True,
    )


async def _wait_ready(server: Server, process: asyncio.subprocess.Process, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=server.base_url, timeout=5) as client:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                raise RuntimeError(f"{server.kind} exited with {process.returncode}:\n{server.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(path)).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{server.kind} not ready after {timeout:.0f} s:\n{server.log_tail()}")


if __name__ == "__main__":
    raise SystemExit(main())
