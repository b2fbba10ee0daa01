"""Registry (issue 3): list projects with filters over 100k projects; p99 <= 50 ms; the plans use indexes.

The real projects-api in a child process under uvicorn, an office account (it sees every project, so no
scope narrows the query), four request shapes a front end sends, each a page plus its total:
- one unit's projects, sorted by planned investment;
- the year's key new-start projects still planned, a later page (default sort);
- search on name and code (`q`, a fragment of the project number);
- the year's pre-phase projects sorted by name.
Each shape paced on its own, then all four mixed, latency from the scheduled send time. The table is
vacuumed first, as autovacuum keeps a running registry's visibility map set. The statements
the repository issues for each shape are EXPLAINed (ANALYZE) on the same data; the notes name the
indexes each plan uses.
"""

from __future__ import annotations

import random
import re
import uuid
from typing import Any

import asyncpg
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql

from bench.accounts import bearer_headers, create_office_account
from bench.context import Context, plain_dsn
from bench.core import Goal, Result
from bench.generate import Scale
from bench.load import ClientPool, LoadRun, new_client, paced
from bench.serve import serve
from gongjian_projects.models import Project
from gongjian_projects.projects.repository import filtered
from gongjian_projects.projects.schemas import ProjectFilter

TITLE = "list projects with filters over 100k projects (projects-api), with the query plans"
TIMEOUT_SECONDS = 900

P99_GOAL_MS = 50.0
MAX_IN_FLIGHT = 64
PATHS_PER_SHAPE = 400


def shapes(rng: random.Random, unit_ids: list[uuid.UUID], year: int, projects: int) -> dict[str, list[str]]:
    base = "/api/v1/projects"
    numbers = [f"{rng.randrange(max(1, projects)):07d}"[:5] for _ in range(PATHS_PER_SHAPE)]
    return {
        "unit, by investment": [
            f"{base}?unit_id={rng.choice(unit_ids[:200])}&sort=-planned_investment_10k&limit=20"
            for _ in range(PATHS_PER_SHAPE)
        ],
        "year + kind + category + status, page 3": [
            f"{base}?year={year}&kind=key&plan_category=new-start&status=planned&limit=50&offset=100"
        ],
        "search name and code": [f"{base}?q={number}&limit=20" for number in numbers],
        "pre-phase by name": [
            f"{base}?year={year}&kind=prephase&sort=name&limit=50&offset={50 * (i % 5)}" for i in range(5)
        ],
    }


def statements(unit_id: uuid.UUID, year: int, number: str) -> dict[str, list[str]]:
    """The page and count statements the repository issues for each shape, with literal values."""
    wheres = {
        "unit, by investment": (ProjectFilter(unit_ids=(unit_id,)), Project.planned_investment_10k.desc()),
        "year + kind + category + status, page 3": (
            ProjectFilter(year=year, kind="key", plan_category="new-start", status="planned"),
            Project.name,
        ),
        "search name and code": (ProjectFilter(search=number), Project.name),
        "pre-phase by name": (ProjectFilter(year=year, kind="prephase"), Project.name),
    }
    compiled = {}
    for shape, (where, order) in wheres.items():
        page = filtered(select(Project.id), where).order_by(order, Project.id).limit(50)
        count = filtered(select(func.count()).select_from(Project), where)
        compiled[shape] = [
            str(query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
            for query in (page, count)
        ]
    return compiled


async def plan_notes(dsn: str, compiled: dict[str, list[str]]) -> dict[str, str]:
    connection = await asyncpg.connect(plain_dsn(dsn))
    notes = {}
    try:
        for shape, queries in compiled.items():
            parts = []
            for label, sql in zip(("page", "count"), queries, strict=True):
                rows = await connection.fetch(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}")
                plan = "\n".join(row[0] for row in rows)
                indexes = sorted(
                    set(
                        re.findall(
                            r"(?:Index Scan|Index Only Scan|Bitmap Index Scan) (?:using|on) (\w+)", plan
                        )
                    )
                )
                seq = " + Seq Scan" if "Seq Scan on projects" in plan else ""
                took = re.search(r"Execution Time: ([\d.]+) ms", plan)
                parts.append(
                    f"{label}: {', '.join(indexes) or 'no index'}{seq} ({took.group(1) if took else '?'} ms)"
                )
            notes[shape] = "; ".join(parts)
    finally:
        await connection.close()
    return notes


async def run(ctx: Context) -> list[Result]:
    scale = ctx.pick(
        quick=Scale(units=500, projects=10_000, months=1),
        default=Scale(units=5_000, projects=100_000, months=1),
        full=Scale(units=5_000, projects=100_000, months=6),
    )
    rate = ctx.pick(40.0, 40.0, 60.0)
    duration = ctx.pick(2.0, 5.0, 10.0)
    dataset = await ctx.dataset(scale)
    username, password = await create_office_account(dataset.database_url)
    rng = random.Random(11)
    paths = shapes(rng, dataset.unit_ids, scale.year, scale.projects)
    # a registry that has been running has its visibility map set (autovacuum): counts read the index only
    connection = await asyncpg.connect(plain_dsn(dataset.dsn))
    try:
        await connection.execute("VACUUM ANALYZE projects.projects")
    finally:
        await connection.close()
    compiled = statements(dataset.unit_ids[0], scale.year, f"{scale.projects // 3:07d}"[:5])
    plans = await plan_notes(dataset.dsn, compiled)
    runs: dict[str, LoadRun] = {}
    async with serve("projects-api", ctx.workdir, dataset.database_url) as server:
        async with new_client(server.base_url) as login:
            headers = await bearer_headers(login, username, password)
        pool = ClientPool(server, headers, 16, MAX_IN_FLIGHT)
        try:
            async with new_client(server.base_url, headers) as client:
                for shape_paths in paths.values():
                    response = await client.get(shape_paths[0])
                    if response.status_code != 200 or "total" not in response.json():
                        raise RuntimeError(f"{shape_paths[0]}: {response.status_code} {response.text[:300]}")
            for shape_paths in paths.values():  # warm caches and code paths
                await paced(pool, shape_paths, rate=rate, duration_s=1.0, max_in_flight=MAX_IN_FLIGHT)
            for shape, shape_paths in paths.items():
                runs[shape] = await paced(
                    pool, shape_paths, rate=rate, duration_s=duration, max_in_flight=MAX_IN_FLIGHT
                )
            mixed = [
                path
                for shape_paths in zip(*(p * 100 for p in paths.values()), strict=False)
                for path in shape_paths
            ]
            runs["mixed"] = await paced(
                pool, mixed, rate=rate, duration_s=duration, max_in_flight=MAX_IN_FLIGHT
            )
        finally:
            await pool.aclose()
    return results(runs, plans, dataset.describe(), rate)


def results(runs: dict[str, LoadRun], plans: dict[str, str], data: str, rate: float) -> list[Result]:
    out = []
    for shape, run in runs.items():
        notes: list[Any] = [run.cpu_note(), *filter(None, [run.error_note()])]
        if shape in plans:
            notes.append(f"plan — {plans[shape]}")
        result = Result(
            f"{shape} ({rate:g} req/s paced)", run.stats, run.throughput, run.errors + run.shed, notes=notes
        )
        result.goals.append(Goal.at_most("p99", run.stats.p99_ms, P99_GOAL_MS))
        out.append(result)
    out[0].notes.append(f"data: {data}")
    return out
