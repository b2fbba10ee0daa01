"""Backbone (a): read one project by id over HTTP, projects-api vs a bare Starlette + asyncpg endpoint.

Both servers run in child processes under uvicorn with the same options, on the same PostgreSQL and the
same generated data; both get the same bearer header and the same sequence of project ids. The bare
endpoint runs the repository's statement (every mapped column of `projects.projects`, by id) on a plain
asyncpg pool: no auth, no session or transaction, no pydantic, no middleware. First each server's maximum
throughput in a closed loop (rounds alternate the order), then both paced at half the bare endpoint's
maximum ("half load"), latency counted from the scheduled send time.

The whole comparison runs twice: with the office's token over projects of every unit (as first measured),
and with a unit reporter's token over that unit's projects (issue 9: a reporter is whom the read path
serves most; its access scope is checked on every request). Each is set against the bare endpoint on the
same ids, in the same run.

Goals (issue 2): throughput >= 0.7x the bare endpoint; p99 <= 5 ms at half load.
"""

from __future__ import annotations

import math
import random
import uuid
from typing import Any

import asyncpg

from bench.accounts import bearer_headers, create_office_account, create_reporter_account
from bench.context import Context, plain_dsn
from bench.core import Goal, Result
from bench.generate import Scale
from bench.load import ClientPool, LoadRun, closed_loop, new_client, paced
from bench.serve import serve

TITLE = "read one project by id over HTTP: projects-api vs bare Starlette + asyncpg"
TIMEOUT_SECONDS = 900

CONCURRENCY = 16
MAX_IN_FLIGHT = 64
# issue 16's goals: >= 0.5x the bare endpoint's throughput, server CPU per request <= 2x its, p99 <= 10 ms at
# half its rate
THROUGHPUT_GOAL = 0.5
CPU_PER_REQUEST_GOAL = 2.0
HALF_LOAD_P99_GOAL_MS = 10.0
DISTINCT_IDS = 5_000


async def same_answer(api: ClientPool, bare: ClientPool, path: str, headers: dict[str, str]) -> None:
    """Both endpoints must return the same project, or the comparison means nothing."""
    answers = []
    for pool in (api, bare):
        async with new_client(pool.server.base_url, headers) as client:
            response = await client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{pool.server.kind} {path}: {response.status_code} {response.text}")
        answers.append(response.json())
    if any(answers[0][field] != answers[1][field] for field in ("id", "name", "unit_id")):
        raise RuntimeError(f"{path}: the two endpoints disagree: {answers}")


async def busiest_unit(database_url: str) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """The unit with the most projects, and its project ids: the reporter's own projects."""
    connection = await asyncpg.connect(plain_dsn(database_url))
    try:
        unit_id = await connection.fetchval(
            "SELECT unit_id FROM projects.projects GROUP BY unit_id ORDER BY count(*) DESC, unit_id LIMIT 1"
        )
        rows = await connection.fetch(
            "SELECT id FROM projects.projects WHERE unit_id = $1 ORDER BY id", unit_id
        )
    finally:
        await connection.close()
    return unit_id, [row["id"] for row in rows]


async def run(ctx: Context) -> list[Result]:
    scale = ctx.pick(
        quick=Scale(units=500, projects=10_000, months=1),
        default=Scale(units=5_000, projects=100_000, months=3),
        full=Scale(units=5_000, projects=100_000, months=12),
    )
    duration = ctx.pick(1.5, 3.0, 6.0)
    rounds = ctx.pick(1, 3, 3)
    paced_duration = ctx.pick(2.0, 5.0, 10.0)
    dataset = await ctx.dataset(scale)
    office = await create_office_account(dataset.database_url)
    unit_id, unit_projects = await busiest_unit(dataset.database_url)
    reporter = await create_reporter_account(dataset.database_url, unit_id)
    rng = random.Random(7)
    ids: list[uuid.UUID] = rng.sample(dataset.project_ids, min(DISTINCT_IDS, len(dataset.project_ids)))
    runs = {
        "office": (office, [f"/api/v1/projects/{project_id}" for project_id in ids]),
        "reporter": (reporter, [f"/api/v1/projects/{project_id}" for project_id in unit_projects]),
    }
    found: list[Result] = []
    async with (
        serve("projects-api", ctx.workdir, dataset.database_url) as api_server,
        serve("bare", ctx.workdir, dataset.database_url) as bare_server,
    ):
        for who, ((username, password), paths) in runs.items():
            async with new_client(api_server.base_url) as login:
                headers = await bearer_headers(login, username, password)
            pools = {
                "bare": ClientPool(bare_server, headers, CONCURRENCY, MAX_IN_FLIGHT),
                "projects-api": ClientPool(api_server, headers, CONCURRENCY, MAX_IN_FLIGHT),
            }
            try:
                await same_answer(pools["projects-api"], pools["bare"], paths[0], headers)
                best, half, half_rate = await measure(pools, paths, duration, rounds, paced_duration)
            finally:
                for pool in pools.values():
                    await pool.aclose()
            data = f"{dataset.describe()}; {who}'s token over {len(paths):,} project ids"
            found += results(best, half, half_rate, data, rounds, duration, who)
    return found


async def measure(
    pools: dict[str, ClientPool], paths: list[str], duration: float, rounds: int, paced_duration: float
) -> tuple[dict[str, LoadRun], dict[str, LoadRun], float]:
    for pool in pools.values():  # warm pools, caches and code paths
        await closed_loop(pool, paths, concurrency=CONCURRENCY, duration_s=1.0, max_requests=20_000)
    maximum: dict[str, list[LoadRun]] = {name: [] for name in pools}
    for number in range(rounds):
        for name in list(pools) if number % 2 == 0 else list(reversed(pools)):
            maximum[name].append(
                await closed_loop(
                    pools[name],
                    paths,
                    concurrency=CONCURRENCY,
                    duration_s=duration,
                    max_requests=int(duration * 50_000),
                )
            )
    best = {name: LoadRun.merged(runs) for name, runs in maximum.items()}
    half_rate = best["bare"].throughput / 2
    half = {
        name: await paced(pool, paths, rate=half_rate, duration_s=paced_duration, max_in_flight=MAX_IN_FLIGHT)
        for name, pool in pools.items()
    }
    return best, half, half_rate


def results(
    best: dict[str, LoadRun],
    half: dict[str, LoadRun],
    rate: float,
    data: str,
    rounds: int,
    duration: float,
    who: str,
) -> list[Result]:
    def result(name: str, run: LoadRun, **options: Any) -> Result:
        notes = [run.cpu_note(), *filter(None, [run.error_note()])]
        return Result(name, run.stats, run.throughput, run.errors + run.shed, notes=notes, **options)

    bare_max = result(f"bare max (closed loop, c={CONCURRENCY}; {who} ids)", best["bare"])
    bare_max.notes.append(f"data: {data}; {rounds} round(s) of {duration:g} s per server")
    api_max = result(
        f"projects-api max ({who}'s token, closed loop, c={CONCURRENCY})",
        best["projects-api"],
        baseline=bare_max,
        metric="throughput",
    )
    ratio = api_max.ratio if api_max.ratio is not None else math.nan
    api_max.goals.append(Goal.at_least("throughput vs bare", ratio, THROUGHPUT_GOAL, "x"))
    cpu = {name: run.server_cpu_s / max(1, len(run.latencies_ms)) for name, run in best.items()}
    cpu_ratio = cpu["projects-api"] / cpu["bare"] if cpu["bare"] > 0 else math.nan
    api_max.goals.append(Goal.at_most("server CPU per request vs bare", cpu_ratio, CPU_PER_REQUEST_GOAL, "x"))
    api_max.notes.append(
        f"server CPU per request is {cpu['projects-api'] / cpu['bare']:.1f}x the bare endpoint's: where the "
        f"server is the bottleneck, throughput would be about {cpu['bare'] / cpu['projects-api']:.2f}x"
    )
    bare_half = result(f"bare at half load ({rate:,.0f} req/s paced; {who} ids)", half["bare"])
    api_half = result(
        f"projects-api at half load ({who}'s token, {rate:,.0f} req/s paced)",
        half["projects-api"],
        baseline=bare_half,
        metric="p99",
    )
    api_half.goals.append(Goal.at_most("p99 at half load", api_half.stats.p99_ms, HALF_LOAD_P99_GOAL_MS))
    if best["projects-api"].throughput < rate:
        api_half.notes.append(
            f"its own maximum ({best['projects-api'].throughput:,.0f} req/s) is below this rate: "
            "it is overloaded here, so this p99 measures its queue"
        )
    return [bare_max, api_max, bare_half, api_half]
