"""Gongjian benchmarks: `python -m bench [name-filter] [--quick | --full]` (see bench/README.md).

Every module `bench/bench_*.py` exposes `async def run(ctx: bench.context.Context) -> list[bench.core.Result]`
and, optionally, `TITLE` (a line for the report) and `TIMEOUT_SECONDS` (its time bound).
"""
