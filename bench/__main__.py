"""`python -m bench [name-filter] [--quick | --full]`: run every bench/bench_*.py module and print its figures."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import importlib.util
import inspect
import logging
import os
import pkgutil
import platform
import signal
import sys
import time
import traceback
from collections.abc import Callable, Coroutine
from types import ModuleType
from typing import Any

import bench
from bench.context import Context, Mode
from bench.core import Result, render

DEFAULT_TIMEOUT_SECONDS = 600.0


def discover() -> list[str]:
    """The `<name>` of every `bench_<name>.py` beside this file, in name order; nothing imported yet."""
    found = (info.name for info in pkgutil.iter_modules(bench.__path__) if info.name.startswith("bench_"))
    return sorted(name.removeprefix("bench_") for name in found)


def load(name: str) -> ModuleType:
    """Import one benchmark module; a broken one fails alone, not the whole run."""
    module = importlib.import_module(f"bench.bench_{name}")
    if not inspect.iscoroutinefunction(getattr(module, "run", None)):
        raise TypeError(f"bench/bench_{name}.py has no `async def run(ctx) -> list[Result]`")
    return module


def quiet_missing_sniffio() -> None:
    """httpcore tries `import sniffio` on every request; when it is not installed each failed attempt is
    a fresh search of sys.path (about 1 ms of stat() calls here), all charged to the load generator.
    A None entry in sys.modules makes that import fail at once, which httpcore reads as asyncio."""
    if importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


def load_average() -> str:
    """Other work on the machine skews every figure: print how busy it was."""
    one, five, _ = os.getloadavg()
    return f"machine load average {one:.1f} (1 min), {five:.1f} (5 min)"


def title_of(name: str, module: ModuleType) -> str:
    title = getattr(module, "TITLE", None) or (module.__doc__ or name).strip().splitlines()[0]
    return f"{name}: {title}"


async def run_all(names: list[str], mode: Mode, strict: bool) -> int:
    ctx = Context(mode)
    main_task = asyncio.current_task()
    if main_task is not None:  # `kill` or `timeout`: cancel, so the servers below are still stopped
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)
    failures, goals, missed = 0, 0, 0
    started = time.perf_counter()
    try:
        for name in names:
            print(f"\n-- running {name} ({load_average()}) ...", flush=True)
            began = time.perf_counter()
            try:
                module = load(name)
                run: Callable[[Context], Coroutine[Any, Any, list[Result]]] = module.run
                timeout = float(getattr(module, "TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
                results = await asyncio.wait_for(run(ctx), timeout)
            except Exception:
                failures += 1
                print(f"!! {name} failed:\n{traceback.format_exc()}", flush=True)
                continue
            print(render(title_of(name, module), results, time.perf_counter() - began), flush=True)
            for result in results:
                goals += len(result.goals)
                missed += sum(not goal.met for goal in result.goals)
        print(f"\n== summary ({mode} mode, {time.perf_counter() - started:.0f} s, {load_average()}) ==")
        for server, what in ctx.started.items():
            print(f"  started {server} {what}")
        print(f"  goals met: {goals - missed} of {goals}; benchmarks failed: {failures}", flush=True)
    finally:
        await ctx.close()
    return 1 if failures or (strict and missed) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("filter", nargs="?", default="", help="run only benchmarks whose name contains this")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="small data, short runs: a smoke test")
    size.add_argument("--full", action="store_true", help="bigger samples and longer runs")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is not met")
    args = parser.parse_args(argv)
    quiet_missing_sniffio()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # A fresh broker answers "coordinator not available" until its offsets topic exists; aiokafka logs
    # that as an error and retries. Real failures still surface as timeouts of the benchmark.
    logging.getLogger("aiokafka.consumer.group_coordinator").setLevel(logging.CRITICAL)
    names = [name for name in discover() if args.filter in name]
    if args.list or not names:
        for name in discover():
            try:
                print(title_of(name, load(name)))
            except Exception as exc:
                print(f"{name}: cannot be imported: {exc!r}")
        return 0 if args.list else 2
    mode: Mode = "quick" if args.quick else "full" if args.full else "default"
    print(
        f"Gongjian benchmarks, {mode} mode: {', '.join(names)}\n"
        f"  Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
        "everything on 127.0.0.1, servers in child processes"
    )
    try:
        import uvloop

        runner = asyncio.Runner(loop_factory=uvloop.new_event_loop)
    except ImportError:  # the figures are then a little worse, not wrong
        runner = asyncio.Runner()
    with runner:
        return runner.run(run_all(names, mode, args.strict))


if __name__ == "__main__":
    sys.exit(main())
