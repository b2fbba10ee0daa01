"""HTTP load: a closed loop for maximum throughput, and a paced open loop for latency at a given rate."""

from __future__ import annotations

import asyncio
import functools
import itertools
import math
import ssl
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import httpx

from bench.core import Stats
from bench.serve import Server

REQUEST_TIMEOUT_S = 10.0


@dataclass
class LoadRun:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: Counter[str] = field(default_factory=Counter)
    shed: int = 0
    elapsed_s: float = 0.0
    client_cpu_s: float = 0.0
    server_cpu_s: float = 0.0

    @classmethod
    def merged(cls, runs: Iterable[LoadRun]) -> LoadRun:
        """Several rounds' runs as one: samples joined, counts and times added up."""
        merged = cls()
        for run in runs:
            merged.latencies_ms += run.latencies_ms
            merged.errors += run.errors
            merged.error_kinds.update(run.error_kinds)
            merged.shed += run.shed
            merged.elapsed_s += run.elapsed_s
            merged.client_cpu_s += run.client_cpu_s
            merged.server_cpu_s += run.server_cpu_s
        return merged

    @property
    def stats(self) -> Stats:
        return Stats.of(self.latencies_ms)

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.elapsed_s if self.elapsed_s > 0 else math.nan

    def record(self, error: str | None, started: float) -> None:
        if error is None:
            self.latencies_ms.append((time.perf_counter() - started) * 1000)
        else:
            self.errors += 1
            self.error_kinds[error] += 1

    def error_note(self) -> str | None:
        if not self.errors and not self.shed:
            return None
        kinds = ", ".join(f"{count} {kind}" for kind, count in self.error_kinds.most_common())
        shed = f"{self.shed} shed (more than the in-flight bound waiting)" if self.shed else ""
        return "errors: " + "; ".join(part for part in (kinds, shed) if part)

    def cpu_note(self) -> str:
        """Where the CPU went: tells a client-bound or machine-bound run from a server-bound one."""
        done = max(1, len(self.latencies_ms))
        return (
            f"server CPU {self.server_cpu_s / self.elapsed_s:.0%} of a core, "
            f"{1000 * self.server_cpu_s / done:.3f} ms/request; "
            f"client CPU {self.client_cpu_s / self.elapsed_s:.0%} of a core"
        )


@functools.cache
def _tls() -> ssl.SSLContext:
    # httpx builds a TLS context (loading the CA bundle) per client unless given one: ~50 ms per client
    # here, for plain-HTTP clients that never use it.
    return ssl.create_default_context()


def new_client(
    base_url: str, headers: dict[str, str] | None = None, connections: int = 1
) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.AsyncClient(
        base_url=base_url, headers=headers, limits=limits, timeout=REQUEST_TIMEOUT_S, verify=_tls()
    )


class ClientPool:
    """httpx clients of one connection each, lent to one request at a time; grows up to `limit`.

    One shared client with N connections costs O(N) per request: httpcore checks every pooled connection
    (a poll() and a getpeername() each) whenever it assigns a request, which made the load generator, not
    the servers, the bottleneck. One connection per client keeps that O(1).
    """

    def __init__(self, server: Server, headers: dict[str, str], size: int, limit: int) -> None:
        self._server = server
        self._headers = headers
        self._limit = limit
        self._all = [new_client(server.base_url, headers) for _ in range(size)]
        self._free = list(self._all)

    @property
    def server(self) -> Server:
        return self._server

    async def get(self, path: str) -> str | None:
        """GET `path`: None on a 200, else what went wrong."""
        if self._free:
            client = self._free.pop()
        elif len(self._all) < self._limit:
            client = new_client(self._server.base_url, self._headers)
            self._all.append(client)
        else:
            return "no free client"
        try:
            response = await client.get(path)
        except httpx.HTTPError as exc:
            return type(exc).__name__
        finally:
            self._free.append(client)
        return None if response.status_code == 200 else f"HTTP {response.status_code}"

    async def aclose(self) -> None:
        for client in self._all:
            await client.aclose()


class _Meter:
    def __init__(self, server: Server) -> None:
        self._server = server

    def __enter__(self) -> _Meter:
        self._wall = time.perf_counter()
        self._client = time.process_time()
        self._server_cpu = self._server.cpu_seconds()
        return self

    def __exit__(self, *_: object) -> None:
        self.elapsed = time.perf_counter() - self._wall
        self.client = time.process_time() - self._client
        self.server = self._server.cpu_seconds() - self._server_cpu


async def closed_loop(
    pool: ClientPool,
    paths: Sequence[str],
    *,
    concurrency: int,
    duration_s: float,
    max_requests: int,
) -> LoadRun:
    """`concurrency` workers, each sending its next request when the last one answered."""
    run = LoadRun()
    cycle = itertools.cycle(paths)
    sent = 0

    async def worker(stop: float) -> None:
        nonlocal sent
        while time.perf_counter() < stop and sent < max_requests:
            sent += 1
            started = time.perf_counter()
            run.record(await pool.get(next(cycle)), started)

    with _Meter(pool.server) as meter:
        stop = time.perf_counter() + duration_s
        await asyncio.gather(*(worker(stop) for _ in range(concurrency)))
    run.elapsed_s, run.client_cpu_s, run.server_cpu_s = meter.elapsed, meter.client, meter.server
    return run


async def paced(
    pool: ClientPool,
    paths: Sequence[str],
    *,
    rate: float,
    duration_s: float,
    max_in_flight: int,
) -> LoadRun:
    """Requests at a fixed rate whatever the answers do; latency counts from the scheduled send time,
    so a stalled server cannot hide its queueing (no coordinated omission). Beyond `max_in_flight`
    outstanding requests new ones are shed and counted."""
    run = LoadRun()
    cycle = itertools.cycle(paths)
    in_flight: set[asyncio.Task[None]] = set()
    count = max(1, int(rate * duration_s))

    async def one(path: str, scheduled: float) -> None:
        run.record(await pool.get(path), scheduled)

    with _Meter(pool.server) as meter:
        start = time.perf_counter()
        for number in range(count):
            scheduled = start + number / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if len(in_flight) >= max_in_flight:
                run.shed += 1
                continue
            task = asyncio.create_task(one(next(cycle), scheduled))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
        if in_flight:
            await asyncio.wait(set(in_flight), timeout=REQUEST_TIMEOUT_S + 1)
    run.elapsed_s, run.client_cpu_s, run.server_cpu_s = meter.elapsed, meter.client, meter.server
    return run
