"""Backbone (issue 16): one service, 1 -> 2 worker processes (`gongjian serve projects-api --workers N`).

Both servers are the real command docker-compose runs, as child processes on the same PostgreSQL and data
(environment `test`, the embedded bus, a throwaway signing key): one with one worker, one with two. The load
is the read benchmark's: `GET /api/v1/projects/{id}` with the office's token over the same random project ids,
16 clients of one kept-alive connection each, in a closed loop, in rounds that alternate which server goes
first. Server CPU is summed over the server's whole process tree (the supervisor and its workers).

On 2 cores the load generator and PostgreSQL share the machine with the workers, so the second worker has
less than a core of its own: the notes give each side's CPU, which tells a server-bound run from a
machine-bound one.

Goal (issue 16): 2 workers >= 1.6x the throughput of 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import random
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.accounts import bearer_headers, create_account
from bench.context import Context
from bench.core import Goal, Result
from bench.generate import Scale
from bench.load import ClientPool, LoadRun, closed_loop, new_client
from bench.serve import REPO_ROOT, Server, _die_with_parent, free_port, settled
from gongjian_shared.auth import Role, generate_private_key_pem

TITLE = "one service on 1 -> 2 worker processes (gongjian serve --workers N): read one project by id"
TIMEOUT_SECONDS = 600

CONCURRENCY = 16
MAX_IN_FLIGHT = 64
DISTINCT_IDS = 5_000
THROUGHPUT_GOAL = 1.6
USERNAME = "bench-workers-office"
GONGJIAN = str(Path(sys.executable).with_name("gongjian"))


@dataclass(frozen=True)
class ServerTree(Server):
    """A server of several processes: its CPU is the supervisor's and every worker's."""

    def cpu_seconds(self) -> float:
        try:
            root = psutil.Process(self.pid)
            total = 0.0
            for process in (root, *root.children(recursive=True)):
                with contextlib.suppress(psutil.NoSuchProcess):
                    times = process.cpu_times()
                    total += times.user + times.system
            return total
        except psutil.NoSuchProcess:
            return math.nan

    def started_workers(self) -> int:
        """How many workers have finished their app's startup (uvicorn logs it once per worker): a worker
        still starting accepts no connection, so the clients' kept-alive connections would all go to the
        others for the whole run."""
        try:
            return self.log_path.read_text(errors="replace").count("Application startup complete")
        except OSError:
            return 0


@asynccontextmanager
async def served(
    ctx: Context, database_url: str, workers: int, signing_key: str
) -> AsyncIterator[ServerTree]:
    """`gongjian serve projects-api --workers N` until the block ends; ready once /readyz answers 200 and
    (for N > 1) every worker runs. Both servers sign with the same key, so one token serves both."""
    port = free_port()
    log_path = ctx.workdir / f"projects-api-workers{workers}-{port}.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PROJECTS_", "GONGJIAN_"))}
    env |= {
        "PROJECTS_ENVIRONMENT": "test",
        "PROJECTS_DATABASE__URL": database_url,
        "PROJECTS_AUTH__SIGNING_KEYS": signing_key,
    }
    args = [GONGJIAN, "serve", "projects-api", "--port", str(port), "--workers", str(workers)]
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            *args, cwd=REPO_ROOT, env=env, stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
            preexec_fn=_die_with_parent(),
        )  # fmt: skip
    server = ServerTree(f"projects-api x{workers}", process.pid, f"http://127.0.0.1:{port}", log_path)
    try:
        deadline = time.monotonic() + 120
        async with httpx.AsyncClient(base_url=server.base_url, timeout=5) as client:
            while True:
                if process.returncode is not None:
                    raise RuntimeError(
                        f"{server.kind} exited with {process.returncode}:\n{server.log_tail()}"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{server.kind} not ready after 120 s:\n{server.log_tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    ready = (await client.get("/readyz")).status_code == 200
                    if ready and server.started_workers() >= workers:
                        break
                await asyncio.sleep(0.2)
        await settled(server)  # the scheduler's start-up work, as for every served server
        yield server
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                for child in psutil.Process(process.pid).children(recursive=True):
                    with contextlib.suppress(psutil.NoSuchProcess):
                        child.kill()
                process.kill()
                await process.wait()


async def run(ctx: Context) -> list[Result]:
    scale = ctx.pick(
        quick=Scale(units=500, projects=10_000, months=1),
        default=Scale(units=5_000, projects=100_000, months=3),
        full=Scale(units=5_000, projects=100_000, months=12),
    )
    duration, rounds = ctx.pick(1.5, 3.0, 6.0), ctx.pick(1, 3, 3)
    dataset = await ctx.dataset(scale)
    username, password = await create_account(dataset.database_url, USERNAME, [Role.OFFICE])
    ids = random.Random(16).sample(dataset.project_ids, min(DISTINCT_IDS, len(dataset.project_ids)))
    paths = [f"/api/v1/projects/{project_id}" for project_id in ids]
    key = generate_private_key_pem()
    async with (
        served(ctx, dataset.database_url, 1, key) as one,
        served(ctx, dataset.database_url, 2, key) as two,
    ):
        async with new_client(one.base_url) as login:
            headers = await bearer_headers(login, username, password)
        pools = {
            1: ClientPool(one, headers, CONCURRENCY, MAX_IN_FLIGHT),
            2: ClientPool(two, headers, CONCURRENCY, MAX_IN_FLIGHT),
        }
        try:
            for pool in pools.values():  # warm every worker's pool, caches and code paths
                await closed_loop(pool, paths, concurrency=CONCURRENCY, duration_s=1.0, max_requests=20_000)
            runs: dict[int, list[LoadRun]] = {1: [], 2: []}
            for number in range(rounds):
                for workers in (1, 2) if number % 2 == 0 else (2, 1):
                    runs[workers].append(
                        await closed_loop(
                            pools[workers],
                            paths,
                            concurrency=CONCURRENCY,
                            duration_s=duration,
                            max_requests=int(duration * 50_000),
                        )
                    )
        finally:
            for pool in pools.values():
                await pool.aclose()
    data = f"{dataset.describe()}; office's token over {len(paths):,} project ids"
    return results(
        {workers: LoadRun.merged(found) for workers, found in runs.items()}, data, rounds, duration
    )


def results(best: dict[int, LoadRun], data: str, rounds: int, duration: float) -> list[Result]:
    def result(name: str, run: LoadRun, **options: Any) -> Result:
        notes = [run.cpu_note(), *filter(None, [run.error_note()])]
        return Result(name, run.stats, run.throughput, run.errors + run.shed, notes=notes, **options)

    one = result(f"projects-api, 1 worker (closed loop, c={CONCURRENCY})", best[1])
    one.notes.append(f"data: {data}; {rounds} round(s) of {duration:g} s per server")
    two = result(
        f"projects-api, 2 workers (closed loop, c={CONCURRENCY})", best[2], baseline=one, metric="throughput"
    )
    ratio = two.ratio if two.ratio is not None else math.nan
    two.goals.append(Goal.at_least("throughput, 2 workers vs 1", ratio, THROUGHPUT_GOAL, "x"))
    busy = (
        (best[2].server_cpu_s + best[2].client_cpu_s) / best[2].elapsed_s if best[2].elapsed_s else math.nan
    )
    two.notes.append(
        f"server and load generator together used {busy:.1f} of the machine's {os.cpu_count()} cores "
        "(PostgreSQL not counted)"
    )
    return [one, two]
