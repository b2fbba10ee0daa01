"""The fault script: faults injected one after another under the load, each followed by the recovery an
operator's supervisor would do (a restart), never blocking the event loop the load runs on."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

import asyncpg

from soak.stack import PROXIED, PROXY, Stack

Fault = Callable[[Stack], Awaitable[None]]


async def restart(stack: Stack, name: str) -> None:
    proc = stack.procs[name]
    await asyncio.to_thread(proc.kill9)
    proc.start()
    await asyncio.to_thread(proc.wait_ready)


def kill_service(name: str) -> Fault:
    async def fault(stack: Stack) -> None:
        await restart(stack, name)

    fault.__name__ = f"kill -9 {name}"
    return fault


async def kafka_killed(stack: Stack) -> None:
    await asyncio.to_thread(stack.kafka.kill)
    await asyncio.sleep(3)
    await asyncio.to_thread(stack.kafka.start, 120)


async def postgres_restarted(stack: Stack) -> None:
    await asyncio.to_thread(stack.postgres.stop, "fast")
    await asyncio.sleep(2)
    await asyncio.to_thread(stack.postgres.start)


async def broker_latency(stack: Stack) -> None:
    await asyncio.to_thread(stack.toxiproxy.latency, PROXY, 400, 100)
    await asyncio.sleep(8)
    await asyncio.to_thread(stack.toxiproxy.clear, PROXY)


async def broker_link_dropped(stack: Stack) -> None:
    await asyncio.to_thread(stack.toxiproxy.enabled, PROXY, False)
    await asyncio.sleep(5)
    await asyncio.to_thread(stack.toxiproxy.enabled, PROXY, True)


async def unsent_rows(stack: Stack, schema: str) -> int:
    db = await asyncpg.connect(stack.database_url.replace("+asyncpg", ""))
    try:
        return int(await db.fetchval(f"SELECT count(*) FROM {schema}.outbox WHERE sent_at IS NULL"))
    finally:
        await db.close()


async def relay_killed_mid_batch(stack: Stack) -> None:
    """The projects relay killed while rows wait to be published (its batch in flight)."""
    for _ in range(200):  # at most 10 s
        if await unsent_rows(stack, "projects") > 0:
            break
        await asyncio.sleep(0.05)
    await restart(stack, "projects-api-relay")


async def replica_killed_mid_batch(stack: Stack) -> None:
    """The second scoring-worker (same consumer groups) killed while it applies a batch."""
    await restart(stack, f"{PROXIED}#2")


async def clock_jump(stack: Stack) -> None:
    """The scheduler's clock (every service's) jumps a day forward: what came due fires, once."""
    stack.clock.advance(timedelta(days=1))
    await asyncio.sleep(3)


SERVICE_KILLS = [
    kill_service(name) for name in ("projects-api", "meetings-api", "scoring-worker", "notifier")
]
SHARED = [
    kafka_killed,
    broker_latency,
    relay_killed_mid_batch,
    postgres_restarted,
    replica_killed_mid_batch,
    broker_link_dropped,
    clock_jump,
]


def script(short: bool) -> list[Fault]:
    """Each kind of fault at least once; the long run kills every service and goes round twice."""
    if short:
        return [kill_service("meetings-api"), *SHARED]
    one_round = [*(f for pair in zip(SERVICE_KILLS, SHARED, strict=False) for f in pair), *SHARED[4:]]
    return [*one_round, *one_round]


@dataclass
class FaultLog:
    injected: list[tuple[str, float]] = field(default_factory=list)  # (fault, seconds to recover)


async def run(stack: Stack, faults: list[Fault], gap: float, log: FaultLog, within: float) -> None:
    """Each fault after `gap` seconds of load; none started after `within` seconds."""
    deadline = time.monotonic() + within
    for fault in faults:
        await asyncio.sleep(gap)
        if time.monotonic() > deadline:
            return
        started = time.monotonic()
        print(f"  fault: {fault.__name__}", flush=True)
        await fault(stack)
        log.injected.append((fault.__name__, time.monotonic() - started))
