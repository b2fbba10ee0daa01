"""Registry (issues 3 and 16): submit a progress report over HTTP vs a raw asyncpg endpoint doing the same two
inserts (the report row and an outbox row, one transaction); goal >= 0.5x (issue 16).

projects-api runs as it is served (child process, uvicorn, its lifespan; its scheduler off so that no
deadline freezes the month under the benchmark): bearer auth, the caller's scope, the project locked,
the window, the history checks (previous and next cumulative, corrections waiting), the report, its review
step and, the reports being late (month 1 of the generated year), the `progress-report-late` outbox row.
The bare endpoint (Starlette + asyncpg, same uvicorn options, no auth, no checks) inserts the report and
an outbox row in one transaction. Each request reports a different key project (one report per project
and month); the two servers get disjoint halves. Closed loop, rounds alternating which server goes first.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import sys
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench.accounts import bearer_headers, create_office_account
from bench.context import Context, plain_dsn
from bench.core import Goal, Result
from bench.generate import Scale
from bench.load import LoadRun, new_client
from bench.serve import REPO_ROOT, Server, free_port, serve, uvicorn_config

TITLE = "submit a progress report over HTTP (row + outbox row) vs raw asyncpg doing the same inserts"
TIMEOUT_SECONDS = 900

CONCURRENCY = 16
RATIO_GOAL = 0.5  # issue 16
MONTH = 1
REPORT_SQL = """
INSERT INTO projects.progress_reports
  (id, project_id, unit_id, year, month, completed_10k, cumulative_10k, physical_progress,
   image_progress_percent, problems, status, late, submitted_by, submitted_at, adjustment_10k, revision)
VALUES ($1, $2, (SELECT unit_id FROM projects.projects WHERE id = $2), $3, $4, $5, $6, $7, $8, NULL,
        'submitted', true, $9, now(), 0, 1)
RETURNING unit_id
"""
OUTBOX_SQL = """
INSERT INTO projects.outbox (event_id, type, version, stream, key, envelope)
VALUES ($1, 'progress-report-late', 1, 'projects', $2, $3::jsonb)
"""


def bare_app(dsn: str) -> Starlette:
    state: dict[str, asyncpg.Pool] = {}

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        state["pool"] = await asyncpg.create_pool(dsn, min_size=10, max_size=20)
        try:
            yield
        finally:
            await state["pool"].close()

    async def submit(request: Request) -> Response:
        project_id = uuid.UUID(request.path_params["project_id"])
        body = await request.json()
        report_id, event_id = uuid.uuid4(), uuid.uuid4()
        async with state["pool"].acquire() as connection, connection.transaction():
            unit_id = await connection.fetchval(
                REPORT_SQL,
                report_id,
                project_id,
                body["year"],
                body["month"],
                body["completed_10k"],
                body["cumulative_10k"],
                body["physical_progress"],
                body["image_progress_percent"],
                uuid.UUID(int=0),
            )
            envelope = {
                "event_id": str(event_id),
                "type": "progress-report-late",
                "version": 1,
                "occurred_at": datetime.now(UTC).isoformat(),
                "producer": "bare",
                "key": str(project_id),
                "payload": {
                    "report_id": str(report_id),
                    "project_id": str(project_id),
                    "unit_id": str(unit_id),
                },
            }
            await connection.execute(OUTBOX_SQL, event_id, str(project_id), json.dumps(envelope))
        return JSONResponse({"id": str(report_id), "project_id": str(project_id)}, status_code=201)

    async def readyz(_: Request) -> Response:
        return JSONResponse({"ready": "pool" in state})

    routes = [
        Route("/api/v1/projects/{project_id}/progress-reports", submit, methods=["POST"]),
        Route("/readyz", readyz),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


@asynccontextmanager
async def serve_bare(ctx: Context, database_url: str) -> AsyncIterator[Server]:
    port = free_port()
    log_path = ctx.workdir / f"bare-submit-{port}.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.bench_projects_submit", "--port", str(port), "--dsn", plain_dsn(database_url),
            cwd=REPO_ROOT, stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
        )  # fmt: skip
    server = Server("bare", process.pid, f"http://127.0.0.1:{port}", log_path)
    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=5) as client:
            for _ in range(300):
                if process.returncode is not None:
                    raise RuntimeError(f"bare exited:\n{server.log_tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get("/readyz")).status_code == 200:
                        break
                await asyncio.sleep(0.2)
        yield server
    finally:
        if process.returncode is None:
            process.terminate()
            await asyncio.wait_for(process.wait(), 20)


def body(completed: str) -> dict[str, Any]:
    return {
        "year": 2019,
        "month": MONTH,
        "completed_10k": completed,
        "cumulative_10k": completed,
        "physical_progress": "基础施工",
        "image_progress_percent": "5",
    }


async def post_loop(
    server: Server, headers: dict[str, str], project_ids: Sequence[uuid.UUID], duration_s: float
) -> LoadRun:
    """CONCURRENCY clients, each posting the next project's report when its last one answered."""
    run = LoadRun()
    queue = iter(project_ids)
    clients = [new_client(server.base_url, headers) for _ in range(CONCURRENCY)]

    async def worker(client: httpx.AsyncClient, stop: float) -> None:
        while time.perf_counter() < stop:
            project_id = next(queue, None)
            if project_id is None:
                return
            started = time.perf_counter()
            try:
                response = await client.post(
                    f"/api/v1/projects/{project_id}/progress-reports", json=body("120.50")
                )
                error = None if response.status_code == 201 else f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                error = type(exc).__name__
            run.record(error, started)

    wall, cpu = time.perf_counter(), server.cpu_seconds()
    try:
        stop = time.perf_counter() + duration_s
        await asyncio.gather(*(worker(client, stop) for client in clients))
    finally:
        for client in clients:
            await client.aclose()
    run.elapsed_s, run.server_cpu_s = time.perf_counter() - wall, server.cpu_seconds() - cpu
    return run


async def run(ctx: Context) -> list[Result]:
    scale = ctx.pick(
        quick=Scale(units=500, projects=10_000, months=0),
        default=Scale(units=5_000, projects=100_000, months=0),
        full=Scale(units=5_000, projects=100_000, months=0),
    )
    duration, rounds = ctx.pick(1.5, 3.0, 6.0), ctx.pick(1, 3, 3)
    dataset = await ctx.dataset(scale)
    # its own scale (no reports yet): the reports written here stay out of the other benchmarks' data
    username, password = await create_office_account(dataset.database_url)
    ids = list(dataset.key_project_ids)
    halves = {"projects-api": ids[0::2], "bare": ids[1::2]}
    cursors = {name: iter(half) for name, half in halves.items()}
    os.environ["PROJECTS_SCHEDULER_ENABLED"] = "false"
    try:
        async with (
            serve("projects-api", ctx.workdir, dataset.database_url) as api,
            serve_bare(ctx, dataset.database_url) as bare,
        ):
            async with new_client(api.base_url) as login:
                headers = await bearer_headers(login, username, password)
            servers = {"projects-api": (api, headers), "bare": (bare, {})}
            runs: dict[str, list[LoadRun]] = {name: [] for name in servers}
            for name, (server, server_headers) in servers.items():  # warm-up, not counted
                await post_loop(server, server_headers, list(itertools.islice(cursors[name], 200)), 1.0)
            for number in range(rounds):
                for name in list(servers) if number % 2 == 0 else list(reversed(servers)):
                    server, server_headers = servers[name]
                    batch = list(itertools.islice(cursors[name], int(duration * 3_000)))
                    runs[name].append(await post_loop(server, server_headers, batch, duration))
    finally:
        os.environ.pop("PROJECTS_SCHEDULER_ENABLED", None)
    return results(
        {name: LoadRun.merged(r) for name, r in runs.items()}, dataset.describe(), rounds, duration
    )


def results(runs: dict[str, LoadRun], data: str, rounds: int, duration: float) -> list[Result]:
    def result(name: str, run: LoadRun, **options: Any) -> Result:
        done = max(1, len(run.latencies_ms))
        notes = [
            f"server CPU {1000 * run.server_cpu_s / done:.3f} ms/request",
            *filter(None, [run.error_note()]),
        ]
        return Result(name, run.stats, run.throughput, run.errors, notes=notes, **options)

    bare = result(f"bare asyncpg: report + outbox rows (c={CONCURRENCY})", runs["bare"])
    bare.notes.append(f"data: {data}; {rounds} round(s) of {duration:g} s per server")
    api = result(
        f"projects-api POST progress-reports (c={CONCURRENCY})",
        runs["projects-api"],
        baseline=bare,
        metric="throughput",
    )
    ratio = api.ratio if api.ratio is not None else float("nan")
    api.goals.append(Goal.at_least("throughput vs bare", ratio, RATIO_GOAL, "x"))
    return [bare, api]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_projects_submit")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dsn", required=True)
    args = parser.parse_args(argv)
    uvicorn.Server(uvicorn_config(bare_app(args.dsn), args.port)).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
