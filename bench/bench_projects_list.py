"""Registry (issue 16): list projects with filters over 100k projects; p99 <= 50 ms paced at 100 req/s, with the
office's token and with a county's; keyset pages; the plans use indexes.

The real projects-api in a child process under uvicorn, two accounts: the office (it sees every project, no
scope narrows the query) and a county's reviewer (the county and the units placed under it for this run: the
scope is an `IN` list). Five request shapes a front end sends, each a page plus its total:
- one unit's projects, sorted by planned investment;
- the year's key new-start projects still planned, a later page (default sort);
- search on name and code (`q`, a fragment of the project number);
- the year's pre-phase projects sorted by name (offset pages 1-5);
- the year's projects by name in keyset pages (`cursor`, each page's `next_cursor`), deep into the list.
Each shape paced on its own for each token, then all of them mixed, latency from the scheduled send time.
The table is vacuumed first, as autovacuum keeps a running registry's visibility map set. The statements the
repository issues for each shape (`page_statement`, `count_statement`) are EXPLAINed (ANALYZE) on the same
data, the county's with its scope; the notes name the indexes each plan uses.
"""

from __future__ import annotations

import random
import re
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

import asyncpg
from sqlalchemy import Select
from sqlalchemy.dialects import postgresql

from bench.accounts import bearer_headers, create_account, create_office_account
from bench.context import Context, plain_dsn
from bench.core import Goal, Result
from bench.generate import Scale
from bench.load import ClientPool, LoadRun, new_client, paced
from bench.serve import Server, serve
from gongjian_projects.models import Project
from gongjian_projects.projects import paging
from gongjian_projects.projects.repository import count_statement, page_statement
from gongjian_projects.projects.schemas import ProjectFilter
from gongjian_shared.auth import Role

TITLE = "list projects with filters over 100k projects (projects-api), office and county tokens, with the query plans"
TIMEOUT_SECONDS = 900

P99_GOAL_MS = 50.0
RATE = 100.0  # issue 16: req/s
MAX_IN_FLIGHT = 64
PATHS_PER_SHAPE = 400
COUNTY_USERNAME = "bench-county-reviewer"
UNITS_UNDER_COUNTY = 20
BASE = "/api/v1/projects"
KEYSET_SHAPE = "keyset pages by name"


@dataclass(frozen=True)
class Caller:
    """A token's view: its label, headers, and (a county) the unit ids its scope holds."""

    label: str
    headers: dict[str, str]
    scope_units: tuple[uuid.UUID, ...] | None = None


def shapes(rng: random.Random, unit_ids: list[uuid.UUID], year: int, projects: int) -> dict[str, list[str]]:
    """The offset-paged shapes; `unit_ids`: the units the caller's unit filter picks from."""
    numbers = [f"{rng.randrange(max(1, projects)):07d}"[:5] for _ in range(PATHS_PER_SHAPE)]
    return {
        "unit, by investment": [
            f"{BASE}?unit_id={rng.choice(unit_ids[:200])}&sort=-planned_investment_10k&limit=20"
            for _ in range(PATHS_PER_SHAPE)
        ],
        "year + kind + category + status, page 3": [
            f"{BASE}?year={year}&kind=key&plan_category=new-start&status=planned&limit=50&offset=100"
        ],
        "search name and code": [f"{BASE}?q={number}&limit=20" for number in numbers],
        "pre-phase by name": [
            f"{BASE}?year={year}&kind=prephase&sort=name&limit=50&offset={50 * (i % 5)}" for i in range(5)
        ],
    }


async def keyset_paths(server: Server, caller: Caller, year: int, pages: int) -> list[str]:
    """The first `pages` keyset pages of the year's projects by name, as the console follows them."""
    first = f"{BASE}?year={year}&sort=name&limit=50"
    paths = [first]
    async with new_client(server.base_url, caller.headers) as client:
        path = first
        while len(paths) < pages:
            response = await client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")
            cursor = response.json()["next_cursor"]
            if cursor is None:
                break
            path = f"{first}&cursor={quote(cursor)}"
            paths.append(path)
    return paths


def statements(
    unit_id: uuid.UUID,
    year: int,
    number: str,
    keyset_cursor: str | None,
    scope_units: tuple[uuid.UUID, ...] | None,
) -> dict[str, list[str]]:
    """The page and count statements the repository issues for each shape, with literal values; a county's
    scope is the `IN` list the repository adds for it."""
    wheres: dict[str, tuple[ProjectFilter, str | None, int, str | None]] = {
        "unit, by investment": (ProjectFilter(unit_ids=(unit_id,)), "-planned_investment_10k", 0, None),
        "year + kind + category + status, page 3": (
            ProjectFilter(year=year, kind="key", plan_category="new-start", status="planned"),
            None,
            100,
            None,
        ),
        "search name and code": (ProjectFilter(search=number), None, 0, None),
        "pre-phase by name": (ProjectFilter(year=year, kind="prephase"), "name", 200, None),
        KEYSET_SHAPE: (ProjectFilter(year=year), "name", 0, keyset_cursor),
    }
    compiled = {}
    for shape, (where, sort, offset, cursor) in wheres.items():
        after = paging.decode(cursor, sort) if cursor else None
        page: Select[Any] = page_statement(where, sort=sort, limit=50, offset=offset, cursor=after)
        count: Select[Any] = count_statement(where)
        if scope_units is not None:
            page = page.where(Project.unit_id.in_(list(scope_units)))
            count = count.where(Project.unit_id.in_(list(scope_units)))
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


async def place_units_under_a_county(dsn: str) -> tuple[uuid.UUID, tuple[uuid.UUID, ...]]:
    """The county owning the most projects, with UNITS_UNDER_COUNTY zones and enterprises placed under it
    for this run (the generator's units have no parents): (county, its scope's units)."""
    connection = await asyncpg.connect(plain_dsn(dsn))
    try:
        county = await connection.fetchval(
            """SELECT u.id FROM projects.units u LEFT JOIN projects.projects p ON p.unit_id = u.id
               WHERE u.kind = 'county' GROUP BY u.id ORDER BY count(p.id) DESC, u.id LIMIT 1"""
        )
        children = await connection.fetch(
            """UPDATE projects.units SET parent_unit_id = $1
               WHERE id IN (SELECT id FROM projects.units WHERE kind IN ('zone', 'enterprise')
                            AND parent_unit_id IS NULL ORDER BY name LIMIT $2)
               RETURNING id""",
            county,
            UNITS_UNDER_COUNTY,
        )
    finally:
        await connection.close()
    return county, (county, *(row["id"] for row in children))


async def detach_units(dsn: str, county: uuid.UUID) -> None:
    """Undo `place_units_under_a_county`: other benchmarks share the generated data."""
    connection = await asyncpg.connect(plain_dsn(dsn))
    try:
        await connection.execute(
            "UPDATE projects.units SET parent_unit_id = NULL WHERE parent_unit_id = $1", county
        )
    finally:
        await connection.close()


async def run(ctx: Context) -> list[Result]:
    scale = ctx.pick(
        quick=Scale(units=500, projects=10_000, months=1),
        default=Scale(units=5_000, projects=100_000, months=1),
        full=Scale(units=5_000, projects=100_000, months=6),
    )
    duration = ctx.pick(2.0, 5.0, 10.0)
    keyset_pages = ctx.pick(20, 40, 40)
    dataset = await ctx.dataset(scale)
    username, password = await create_office_account(dataset.database_url)
    county, county_units = await place_units_under_a_county(dataset.dsn)
    try:
        county_user, county_password = await create_account(
            dataset.database_url, COUNTY_USERNAME, [Role.REVIEWER], county
        )
        # a registry that has been running has its visibility map set (autovacuum): counts read the index only
        connection = await asyncpg.connect(plain_dsn(dataset.dsn))
        try:
            await connection.execute("VACUUM ANALYZE projects.projects")
            await connection.execute("ANALYZE projects.units")
        finally:
            await connection.close()
        runs: dict[str, LoadRun] = {}
        plans: dict[str, str] = {}
        async with serve("projects-api", ctx.workdir, dataset.database_url) as server:
            async with new_client(server.base_url) as login:
                callers = [
                    Caller("office", await bearer_headers(login, username, password)),
                    Caller("county", await bearer_headers(login, county_user, county_password), county_units),
                ]
            for caller in callers:
                rng = random.Random(11)
                units = list(caller.scope_units) if caller.scope_units else dataset.unit_ids
                paths = shapes(rng, units, scale.year, scale.projects)
                paths[KEYSET_SHAPE] = await keyset_paths(server, caller, scale.year, keyset_pages)
                middle = paths[KEYSET_SHAPE][len(paths[KEYSET_SHAPE]) // 2]
                cursor = middle.split("cursor=")[1] if "cursor=" in middle else None
                compiled = statements(
                    units[0],
                    scale.year,
                    f"{scale.projects // 3:07d}"[:5],
                    None if cursor is None else unquote(cursor),
                    caller.scope_units,
                )
                for shape, note in (await plan_notes(dataset.dsn, compiled)).items():
                    plans[f"{shape} [{caller.label}]"] = note
                runs |= await run_shapes(server, caller, paths, duration)
    finally:
        await detach_units(dataset.dsn, county)
    return results(runs, plans, dataset.describe(), county_units)


async def run_shapes(
    server: Server, caller: Caller, paths: dict[str, list[str]], duration: float
) -> dict[str, LoadRun]:
    pool = ClientPool(server, caller.headers, 16, MAX_IN_FLIGHT)
    runs: dict[str, LoadRun] = {}
    try:
        async with new_client(server.base_url, caller.headers) as client:
            for shape_paths in paths.values():
                response = await client.get(shape_paths[0])
                if response.status_code != 200 or "total" not in response.json():
                    raise RuntimeError(f"{shape_paths[0]}: {response.status_code} {response.text[:300]}")
        for shape_paths in paths.values():  # warm caches and code paths
            await paced(pool, shape_paths, rate=RATE, duration_s=1.0, max_in_flight=MAX_IN_FLIGHT)
        for shape, shape_paths in paths.items():
            runs[f"{shape} [{caller.label}]"] = await paced(
                pool, shape_paths, rate=RATE, duration_s=duration, max_in_flight=MAX_IN_FLIGHT
            )
        mixed = [
            path
            for shape_paths in zip(*(p * 100 for p in paths.values()), strict=False)
            for path in shape_paths
        ]
        runs[f"mixed [{caller.label}]"] = await paced(
            pool, mixed, rate=RATE, duration_s=duration, max_in_flight=MAX_IN_FLIGHT
        )
    finally:
        await pool.aclose()
    return runs


def results(
    runs: dict[str, LoadRun], plans: dict[str, str], data: str, county_units: tuple[uuid.UUID, ...]
) -> list[Result]:
    out = []
    for shape, run in runs.items():
        notes: list[Any] = [run.cpu_note(), *filter(None, [run.error_note()])]
        if shape in plans:
            notes.append(f"plan — {plans[shape]}")
        result = Result(
            f"{shape} ({RATE:g} req/s paced)", run.stats, run.throughput, run.errors + run.shed, notes=notes
        )
        result.goals.append(Goal.at_most("p99", run.stats.p99_ms, P99_GOAL_MS))
        out.append(result)
    out[0].notes.append(f"data: {data}; the county's scope: {len(county_units)} units")
    return out
