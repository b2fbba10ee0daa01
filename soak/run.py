"""One soak: bring the stack up, build the world, run the load and the fault script side by side, stop the
load, and verify. Bounded throughout: the load by its duration and a write count, every wait by a timeout."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from soak import faults
from soak.check import Verdict
from soak.load import Load
from soak.stack import PROXY, Stack, running_stack
from soak.verify import verify
from soak.world import START, build


@dataclass(frozen=True)
class Plan:
    load_seconds: float
    users: int
    projects: int
    short: bool
    max_writes: int = 100_000
    settle_seconds: float = 120


FULL = Plan(load_seconds=390, users=32, projects=60, short=False)
SHORT = Plan(load_seconds=75, users=16, projects=30, short=True)


@dataclass
class Outcome:
    verdict: Verdict
    faults: faults.FaultLog
    seconds: float
    refused: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)


async def load_and_faults(stack: Stack, plan: Plan) -> tuple[Load, faults.FaultLog]:
    world = await build(stack, plan.projects)
    script = faults.script(plan.short)
    gap = max(1.0, plan.load_seconds / (len(script) + 1) - 6)  # about 6 s per fault to recover
    log = faults.FaultLog()
    async with httpx.AsyncClient(
        trust_env=False, limits=httpx.Limits(max_connections=plan.users * 2)
    ) as client:
        load = Load(world, client, time.monotonic() + plan.load_seconds + 120, plan.max_writes)
        writing = asyncio.create_task(load.run(plan.users))
        try:
            await faults.run(stack, script, gap, log, within=plan.load_seconds + 30)
            await asyncio.sleep(5)  # writes on the recovered platform
        finally:
            load.deadline = time.monotonic()
            await asyncio.wait_for(writing, 60)
    return load, log


async def soak(plan: Plan, workdir: Path) -> Outcome:
    started = time.monotonic()
    with running_stack(workdir, START) as stack:
        print(f"stack up in {time.monotonic() - started:.0f} s (logs in {workdir})", flush=True)
        load, log = await load_and_faults(stack, plan)
        await asyncio.to_thread(stack.toxiproxy.clear, PROXY)
        (workdir / "ledger.json").write_text(
            json.dumps(load.ledger.acknowledged)
        )  # for `python -m soak.verify`
        print(f"load stopped after {load.ledger.count()} acknowledged writes; verifying", flush=True)
        verdict = await verify(
            stack.database_url,
            stack.kafka.bootstrap_servers,
            stack.topic_prefix,
            load.ledger.acknowledged,
            stack.clock,
            plan.settle_seconds,
        )
    verdict.counts = {"faults injected": len(log.injected), **verdict.counts}
    return Outcome(
        verdict, log, time.monotonic() - started, dict(load.ledger.refused), dict(load.ledger.failed)
    )
