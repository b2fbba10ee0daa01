"""Where a submit's server time goes: py-spy samples projects-api while it answers POST
/api/v1/projects/{id}/progress-reports.

    .venv/bin/python -m bench.profile_submit [--seconds 8] [--rate 200] [--top 40] [--raw out.txt]

The same server, data and token as the submit benchmark's (`bench_projects_submit`, quick scale: 500 units and
10,000 projects, no reports yet, the scheduler off), under its closed loop of 16 clients, each report for
another key project. The summary is `bench.profile_read`'s (the request path only, by inclusive and self share).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import sys
from pathlib import Path

from bench.accounts import bearer_headers, create_office_account
from bench.bench_projects_submit import post_loop
from bench.context import Context
from bench.generate import Scale
from bench.load import new_client
from bench.profile_read import sampled, summarise
from bench.serve import serve


async def profile(seconds: float, rate: int) -> str:
    ctx = Context("quick")
    os.environ["PROJECTS_SCHEDULER_ENABLED"] = "false"
    try:
        dataset = await ctx.dataset(Scale(units=500, projects=10_000, months=0))
        username, password = await create_office_account(dataset.database_url)
        ids = iter(dataset.key_project_ids)
        async with serve("projects-api", ctx.workdir, dataset.database_url) as server:
            async with new_client(server.base_url) as login:
                headers = await bearer_headers(login, username, password)
            await post_loop(server, headers, list(itertools.islice(ids, 300)), 1.0)
            return await sampled(
                server.pid, seconds, rate, post_loop(server, headers, list(ids), seconds + 2)
            )
    finally:
        os.environ.pop("PROJECTS_SCHEDULER_ENABLED", None)
        await ctx.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.profile_submit", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rate", type=int, default=200, help="samples per second")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--raw", type=Path, help="also keep py-spy's raw stacks here")
    args = parser.parse_args(argv)
    raw = asyncio.run(profile(args.seconds, args.rate))
    if args.raw:
        args.raw.write_text(raw)
    print(summarise(raw, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
