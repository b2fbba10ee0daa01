"""Notifier (issue 6): deliveries to local email and webhook sinks; throughput and event -> delivery latency.

The notifier runs in this process (its app and lifespan: the embedded-bus consumer turning events into
notifications, and the delivery worker), against a fresh database whose directory holds the units and
their liaisons, each unit choosing email and a WeCom robot. The sinks run in a child process: an SMTP server
(aiosmtpd) and an HTTP/1.1 receiver (asyncio streams), each stamping the arrival time of every delivery key.

The events are `progress-report-due`, each naming every unit, written to projects-api's outbox as that
service writes them; an event's clock starts at its commit. The notifier's own clock is frozen on a working
morning, so nothing is deferred by quiet hours or holidays (those are not counted, as the issue says).

Phases: a burst (every event at once: throughput = deliveries / (last arrival - first commit)), then a
paced run at the goal's rate (latency: arrival - commit, p99 by nearest rank).

Goals (issue 16; issue 6 asked >= 500/s and 2 s): a burst at >= 1,500 deliveries/s; paced at 500/s, p99 <= 200 ms
from event to delivery.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing
import re
import socket
import time
import uuid
from collections import Counter, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from multiprocessing.connection import Connection
from typing import Any

from sqlalchemy import func, insert, select

from bench.context import Context
from bench.core import Goal, Result, Stats
from gongjian.serve import settled_after_start
from gongjian.services import service
from gongjian_notifier.app import create_app
from gongjian_notifier.models import UNIT_REPLICA, Delivery, Notification, UnitPreference
from gongjian_notifier.settings import DeliverySettings, EmailSettings, NotifierSettings
from gongjian_shared.clock import SHANGHAI, FrozenClock, SystemClock
from gongjian_shared.db import create_engine, create_sessionmaker, unit_of_work
from gongjian_shared.events.projects import ProgressReportDue, UnitContact, UnitOwing
from gongjian_shared.outbox import Outbox

TITLE = "notifier deliveries to local email and webhook sinks: throughput, event -> delivery p99"
TIMEOUT_SECONDS = 600

WORKING_MORNING = datetime(2024, 10, 8, 10, 0, tzinfo=SHANGHAI)
UNITS_PER_EVENT = 50
PUSH_CHANNELS = 2  # email + WeCom robot, per liaison
BURST_GOAL_RATE = 1_500.0
GOAL_RATE = 500.0  # the paced run's rate
GOAL_P99_MS = 200.0
ARRIVAL_TIMEOUT_S = 120.0
KEY = re.compile(rb"X-Gongjian-Delivery: (\S+)")


# --- the sinks, in a child process -------------------------------------------------------------------------


def sink_main(connection: Connection) -> None:
    # the child imported this module, so the notifier's whole stack: frozen out of the collector's reach, since
    # a full collection of it stalled the sinks for over 100 ms, as no outside mail server or robot does
    gc.collect()
    gc.freeze()
    asyncio.run(_sinks(connection))


async def _sinks(connection: Connection) -> None:
    from aiosmtpd.controller import Controller

    # appended by the SMTP handler on the controller's own thread and by the HTTP handler on this loop: a deque,
    # drained one entry at a time, loses none (a copy then clear() could drop one appended in between)
    arrivals: deque[tuple[str, float]] = deque()

    class Mail:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            found = KEY.search(envelope.original_content or envelope.content)
            arrivals.append((found.group(1).decode() if found else "?", time.time()))
            return "250 OK"

    async def http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        body = b'{"errcode": 0, "errmsg": "ok"}'
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            while await reader.readline():
                key, length = "?", 0
                while (raw := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = raw.decode().partition(":")
                    if name.lower() == "x-gongjian-delivery":
                        key = value.strip()
                    elif name.lower() == "content-length":
                        length = int(value)
                await reader.readexactly(length)
                arrivals.append((key, time.time()))
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
                await writer.drain()
        writer.close()

    server = await asyncio.start_server(http, "127.0.0.1", 0, backlog=1024)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        smtp_port = probe.getsockname()[1]
    smtp = Controller(Mail(), hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    connection.send((smtp_port, server.sockets[0].getsockname()[1]))
    loop = asyncio.get_running_loop()
    while (command := await loop.run_in_executor(None, connection.recv)) != "stop":
        if command == "collect":
            taken = []
            while arrivals:
                taken.append(arrivals.popleft())
            connection.send(taken)
    smtp.stop()
    server.close()


class Sinks:
    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=sink_main, args=(child,), daemon=True)

    def start(self) -> tuple[int, int]:
        self._process.start()
        if not self._pipe.poll(30):
            raise RuntimeError("the sink process did not start")
        smtp_port, http_port = self._pipe.recv()
        return int(smtp_port), int(http_port)

    def collect(self) -> list[tuple[str, float]]:
        self._pipe.send("collect")
        arrivals: list[tuple[str, float]] = self._pipe.recv()
        return arrivals

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self._pipe.send("stop")
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()


# --- the notifier under test -------------------------------------------------------------------------------


def notifier_settings(ctx: Context, url: str, smtp_port: int) -> NotifierSettings:
    base = ctx.service_settings(url)["notifier"]
    assert isinstance(base, NotifierSettings)
    return base.model_copy(
        update={
            "email": EmailSettings(
                host="127.0.0.1", port=smtp_port, sender="bench@ankang.gov.cn", connections=8
            ),
            "delivery": DeliverySettings(
                batch_size=400, concurrency=64, poll_interval_seconds=0.05, rate_per_second={}
            ),
            "bus": base.bus.model_copy(update={"poll_interval_seconds": 0.05, "batch_size": 50}),
            "frontend_base_url": "http://front.test",
            "outbound_unrestricted": True,  # the robots are a local sink on 127.0.0.1
        }
    )


async def seed_directory(settings: NotifierSettings, units: int, http_port: int) -> list[UnitOwing]:
    """Units, each with one liaison (email) and a WeCom robot, straight into the notifier's directory."""
    engine = create_engine(settings.database)
    owing = []
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            for number in range(units):
                unit_id, person_id = uuid.uuid4(), uuid.uuid4()
                liaison = UnitContact(
                    person_id=person_id,
                    role="liaison",
                    name=f"联络员{number}",
                    email=f"l{number}@bench.gov.cn",
                )
                await session.execute(
                    insert(UNIT_REPLICA).values(
                        unit_id=unit_id,
                        name=f"单位{number}",
                        kind="department",
                        joint_meeting_member=True,
                        contacts=[liaison.model_dump(mode="json")],
                        source_event_id=uuid.uuid4(),
                    )
                )
                session.add(
                    UnitPreference(
                        unit_id=unit_id,
                        channels=["email", "wecom"],
                        wecom_webhook_url=f"http://127.0.0.1:{http_port}/robot/{number}",
                        digest=True,
                    )
                )
                owing.append(UnitOwing(unit_id=unit_id, unit_name=f"单位{number}", liaisons=(liaison,)))
    finally:
        await engine.dispose()
    return owing


@asynccontextmanager
async def running_notifier(settings: NotifierSettings) -> AsyncIterator[Any]:
    """The notifier as `gongjian serve` runs it: its start-up's heap frozen out of the collector's reach."""
    app = settled_after_start(create_app(settings, FrozenClock(WORKING_MORNING)))
    async with app.router.lifespan_context(app):
        yield app.state.context


async def publish(context: Any, outbox: Outbox, units: list[UnitOwing]) -> tuple[uuid.UUID, float]:
    payload = ProgressReportDue(year=2024, month=9, window_closes_at=WORKING_MORNING, units=tuple(units))
    async with unit_of_work(context.sessionmaker) as session:
        envelope = await outbox.publish(session, payload, key=str(uuid.uuid4()))
    return envelope.event_id, time.time()


async def arrivals_until(
    sinks: Sinks, expected: int, context: Any, settled_target: int
) -> list[tuple[str, float]]:
    """Arrivals until all expected came, or every push row is delivered or failed, bounded in time."""
    arrived: list[tuple[str, float]] = []
    deadline = time.monotonic() + ARRIVAL_TIMEOUT_S
    while len(arrived) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        arrived += await asyncio.to_thread(sinks.collect)
        if len(arrived) < expected and await settled(context) >= settled_target:
            deadline = min(deadline, time.monotonic() + 3.0)  # the last ones on the wire, then stop
    return arrived


async def settled(context: Any) -> int:
    """Push rows that reached an end: delivered, or failed for good."""
    async with context.sessionmaker() as session:
        done = select(func.count()).where(
            Delivery.channel != "inbox", Delivery.status.in_(("delivered", "failed"))
        )
        return int(await session.scalar(done) or 0)


async def outcome_notes(context: Any, arrived: list[tuple[str, float]]) -> str:
    async with context.sessionmaker() as session:
        rows = await session.execute(
            select(Delivery.status, func.count(), func.sum(func.greatest(Delivery.attempts - 1, 0)))
            .where(Delivery.channel != "inbox")
            .group_by(Delivery.status)
        )
        statuses = {row[0]: (int(row[1]), int(row[2] or 0)) for row in rows}
        errors = await session.execute(
            select(Delivery.last_error)
            .where(Delivery.status == "failed", Delivery.channel != "inbox")
            .limit(1)
        )
        first_error = errors.scalar()
    keys = Counter(key for key, _ in arrived)
    duplicates = sum(count - 1 for count in keys.values() if count > 1)
    text = ", ".join(
        f"{status} {count} (retries {retries})" for status, (count, retries) in sorted(statuses.items())
    )
    return f"rows so far: {text}; duplicate arrivals {duplicates}" + (
        f"; e.g. {first_error}" if first_error else ""
    )


async def latencies(
    context: Any, arrived: list[tuple[str, float]], committed: dict[uuid.UUID, float]
) -> list[float]:
    """Arrival minus the commit of the event that caused it, per delivery key, in ms."""
    async with context.sessionmaker() as session:
        rows = await session.execute(
            select(Delivery.id, Notification.event_id).join(
                Notification, Notification.id == Delivery.notification_id
            )
        )
        event_of = {f"gongjian-delivery-{row.id}": row.event_id for row in rows}
    return [(at - committed[event_of[key]]) * 1000 for key, at in arrived if event_of.get(key) in committed]


async def run(ctx: Context) -> list[Result]:
    burst_events = ctx.pick(10, 100, 200)  # x 50 units x 2 push channels = 1k, 10k, 20k deliveries
    paced_seconds = ctx.pick(4.0, 10.0, 20.0)
    url = await ctx.fresh_database("notifier")
    sinks = Sinks()
    smtp_port, http_port = await asyncio.to_thread(sinks.start)
    try:
        settings = notifier_settings(ctx, url, smtp_port)
        units = await seed_directory(settings, UNITS_PER_EVENT, http_port)
        per_event = UNITS_PER_EVENT * PUSH_CHANNELS
        async with running_notifier(settings) as context:
            outbox = Outbox(service("projects-api").spec.tables, "projects-api", SystemClock())
            committed: dict[uuid.UUID, float] = {}
            for _ in range(burst_events):
                event_id, at = await publish(context, outbox, units)
                committed[event_id] = at
            burst = await arrivals_until(sinks, burst_events * per_event, context, burst_events * per_event)
            burst_outcomes = await outcome_notes(context, burst)
            first_commit = min(committed.values())
            burst_span = max(at for _, at in burst) - first_commit if burst else float("nan")
            burst_latency = await latencies(context, burst, committed)

            paced_rate = GOAL_RATE / per_event  # events per second
            paced_committed: dict[uuid.UUID, float] = {}
            started = time.monotonic()
            for number in range(int(paced_seconds * paced_rate)):
                await asyncio.sleep(max(0.0, started + number / paced_rate - time.monotonic()))
                event_id, at = await publish(context, outbox, units)
                paced_committed[event_id] = at
            total = (burst_events + len(paced_committed)) * per_event
            paced = await arrivals_until(sinks, len(paced_committed) * per_event, context, total)
            paced_outcomes = await outcome_notes(context, paced)
            paced_latency = await latencies(context, paced, paced_committed)
    finally:
        await asyncio.to_thread(sinks.stop)

    throughput = len(burst) / burst_span if burst_span > 0 else float("nan")
    burst_result = Result(
        f"burst of {burst_events * per_event:,} deliveries",
        Stats.of(burst_latency),
        throughput_rps=throughput,
        errors=burst_events * per_event - len(burst),
        goals=[Goal.at_least("deliveries per second", throughput, BURST_GOAL_RATE, "/s")],
        notes=[
            f"{burst_events} events x {UNITS_PER_EVENT} units x email + WeCom; latency here includes the queue",
            "the notifier (consumer + worker) in this process, sinks in a child process; 2 cores shared",
            burst_outcomes,
        ],
    )
    paced_stats = Stats.of(paced_latency)
    paced_span = max(at for _, at in paced) - min(paced_committed.values()) if paced else float("nan")
    paced_result = Result(
        f"paced at {GOAL_RATE:.0f} deliveries/s",
        paced_stats,
        throughput_rps=len(paced) / paced_span if paced_span > 0 else None,
        errors=len(paced_committed) * per_event - len(paced),
        goals=[Goal.at_most("p99 event -> delivery", paced_stats.p99_ms, GOAL_P99_MS)],
        notes=[
            f"{len(paced_committed)} events over {paced_seconds:g} s, each {per_event} deliveries at once",
            paced_outcomes,
        ],
    )
    return [burst_result, paced_result]
