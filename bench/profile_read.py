"""Where a read's server time goes: py-spy samples projects-api while it answers GET /api/v1/projects/{id}
(or, with `--list`, the project list's pages: GET /api/v1/projects as the list benchmark sends them).

    .venv/bin/python -m bench.profile_read [--list] [--seconds 10] [--rate 200] [--top 40] [--raw out.txt]

The same server, data and token as the read benchmark's (`bench_backbone_read`, quick scale: 500 units and
10,000 projects), under a closed loop of 16 clients. py-spy (a dev requirement) attaches to the server's process
for `--seconds` and samples its stacks; the samples inside the request path (uvicorn's `run_asgi`) are summed
into top entries by inclusive share (the time a function and what it called took) and by self share, and the
samples outside it (the event loop, the driver's protocol, background tasks) are counted beside them, with
their own top entries, so that work done off the request path is not missed. SQLAlchemy runs a statement's
synchronous part in a greenlet, whose sampled stack starts at SQLAlchemy's own frame, without the request's
frames above it: such a stack is counted in the request path, under GREENLET_FRAME (the background jobs'
statements land there too; a profile's "background" entry, their periodic frames, shows how few they are).
Compare two trees with `bench/against.sh REV` replaced by checking the older tree out and running
this file from it. Everything listens on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sys
import tempfile
import uuid
from collections import Counter
from collections.abc import Awaitable
from pathlib import Path

from bench import bench_projects_list
from bench.accounts import bearer_headers, create_office_account
from bench.context import Context
from bench.generate import Scale
from bench.load import ClientPool, closed_loop, new_client
from bench.serve import Server, serve

REQUEST_FRAME = "run_asgi"
GREENLET_FRAME = "<a statement in SQLAlchemy's greenlet>"
_SQLALCHEMY = re.compile(r"[(/]sqlalchemy/")
_SITE = re.compile(r" \(/.*?/(site-packages|src|lib/python3\.\d+)/")


def summarise(raw: str, top: int) -> str:
    """The top entries of py-spy's raw (collapsed) stacks that pass through the request path."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    outside: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = [_SITE.sub(" (", frame) for frame in stack.split(";")]
        if _SQLALCHEMY.search(stack.split(";", 1)[0]):  # a greenlet's stack: its statement's synchronous part
            frames = [REQUEST_FRAME, GREENLET_FRAME, *frames]
        elif REQUEST_FRAME not in stack:
            outside[";".join(frames[-2:])] += int(count)
            continue
        frames = frames[next(i for i, frame in enumerate(frames) if REQUEST_FRAME in frame) :]
        samples = int(count)
        total += samples
        for frame in set(frames):
            inclusive[frame] += samples
        own[frames[-1]] += samples
    if not total:
        return "no sample in the request path"
    off = sum(outside.values())
    lines = [f"{total} samples in the request path, {off} outside it ({100 * off / (total + off):.1f}%)"]
    lines += ["-- inclusive"]
    lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in inclusive.most_common(top)]
    lines += ["-- self"]
    lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(top // 2)]
    lines += ["-- outside the request path (share of all samples)"]
    lines += [f"{100 * n / (total + off):5.1f}%  {frame}" for frame, n in outside.most_common(top // 4)]
    return "\n".join(lines)


async def sampled(pid: int, seconds: float, rate: int, load: Awaitable[object]) -> str:
    """py-spy's raw stacks of process `pid` for `seconds` while `load` runs (started after the sampler, so the
    load covers the whole sample)."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "profile.txt"
        py_spy = str(Path(sys.executable).with_name("py-spy"))
        spy = ["record", "-p", str(pid), "-d", str(int(seconds)), "-r", str(rate)]
        spy += ["-f", "raw", "-o", str(out)]
        sampler = await asyncio.create_subprocess_exec(
            py_spy,
            *spy,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await load
        await asyncio.wait_for(sampler.wait(), seconds + 30)
        return out.read_text() if out.exists() else ""


async def profile(seconds: float, rate: int, listing: bool = False, warmup: float = 2.0) -> str:
    ctx = Context("quick")
    try:
        scale = Scale(units=500, projects=10_000, months=1)
        dataset = await ctx.dataset(scale)
        username, password = await create_office_account(dataset.database_url)
        ids = random.Random(7).sample(dataset.project_ids, 2_000)
        paths = [f"/api/v1/projects/{project_id}" for project_id in ids]
        async with serve("projects-api", ctx.workdir, dataset.database_url) as server:
            async with new_client(server.base_url) as login:
                headers = await bearer_headers(login, username, password)
            if listing:
                paths = await list_paths(server, headers, dataset.unit_ids, scale)
            pool = ClientPool(server, headers, 16, 64)
            try:
                await closed_loop(pool, paths, concurrency=16, duration_s=warmup, max_requests=10_000_000)
                load = closed_loop(
                    pool, paths, concurrency=16, duration_s=seconds + 2, max_requests=1_000_000
                )
                return await sampled(server.pid, seconds, rate, load)
            finally:
                await pool.aclose()
    finally:
        await ctx.close()


async def list_paths(
    server: Server, headers: dict[str, str], unit_ids: list[uuid.UUID], scale: Scale
) -> list[str]:
    """The list benchmark's shapes for the office (`bench_projects_list`), interleaved as its mixed run."""
    shapes = bench_projects_list.shapes(random.Random(11), unit_ids, scale.year, scale.projects)
    office = bench_projects_list.Caller("office", headers)
    shapes["keyset"] = await bench_projects_list.keyset_paths(server, office, scale.year, 20)
    return [path for paths in zip(*(p * 100 for p in shapes.values()), strict=False) for path in paths]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_read", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=int, default=200, help="samples per second")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--list", action="store_true", help="the project list's pages, not the detail")
    parser.add_argument("--raw", type=Path, help="also keep py-spy's raw stacks here")
    parser.add_argument(
        "--warmup",
        type=float,
        default=2.0,
        help="seconds of load before sampling; an older tree run by bench/against.sh, whose bench.serve does not "
        "wait for projects-api's start-up work, needs the time that work takes (60 at this scale)",
    )
    args = parser.parse_args(argv)
    raw = asyncio.run(profile(args.seconds, args.rate, args.list, args.warmup))
    if args.raw:
        args.raw.write_text(raw)
    print(summarise(raw, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
