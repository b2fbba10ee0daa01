"""Starts and stops what moves a service's events: the listener, the relay and the consumers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from gongjian_shared.bus.consumer import ConsumerRunner, Subscription, UnitOfWorkFactory
from gongjian_shared.bus.embedded import EmbeddedConsumerRunner
from gongjian_shared.bus.kafka import KafkaConsumerRunner, OutboxRelay
from gongjian_shared.bus.listener import OutboxListener
from gongjian_shared.bus.tables import BusTables
from gongjian_shared.jobs import bounded, cancel_and_wait
from gongjian_shared.settings import BaseServiceSettings

logger = logging.getLogger("gongjian.bus")


def asyncpg_dsn(engine: AsyncEngine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


class BusRuntime:
    def __init__(
        self,
        settings: BaseServiceSettings,
        engine: AsyncEngine,
        sessionmaker: async_sessionmaker[AsyncSession],
        tables: BusTables,
        subscriptions: list[Subscription],
        unit_of_work: UnitOfWorkFactory,
    ) -> None:
        self._settings = settings
        self._listener = OutboxListener(asyncpg_dsn(engine))
        self._tasks: list[asyncio.Task[None]] = []
        self.relay: OutboxRelay | None = None
        self.consumers: list[ConsumerRunner] = []
        bus = settings.bus
        if bus.kind == "kafka" and bus.run_relay:
            self.relay = OutboxRelay(engine, tables, settings.kafka, bus, self._listener.wake_event())
        if bus.run_consumers:
            for subscription in subscriptions:
                runner: ConsumerRunner
                if bus.kind == "kafka":
                    runner = KafkaConsumerRunner(
                        sessionmaker, tables, subscription, settings.kafka, bus, unit_of_work
                    )
                else:
                    runner = EmbeddedConsumerRunner(
                        sessionmaker, tables, subscription, bus, self._listener.wake_event(), unit_of_work
                    )
                self.consumers.append(runner)

    async def start(self) -> None:
        self._listener.start()
        if self.relay is not None:
            self._tasks.append(asyncio.create_task(self.relay.run(), name="outbox-relay"))
        for runner in self.consumers:
            self._tasks.append(
                asyncio.create_task(runner.run(), name=f"consumer-{runner.subscription.group_id}")
            )

    async def stop(self) -> None:
        await cancel_and_wait(self._tasks)
        self._tasks.clear()
        await bounded(self._listener.stop(), "the outbox listener")

    async def broker_reachable(self) -> bool:
        if self._settings.bus.kind != "kafka":
            return True
        return await asyncio.to_thread(_tcp_reachable, self._settings.kafka.bootstrap)

    async def status(self) -> dict[str, Any]:
        consumers = {}
        for runner in self.consumers:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2.0):
                    await runner.refresh_lag()
            consumers[runner.subscription.group_id] = {
                "lag": runner.stats.lag,
                "applied": runner.stats.applied,
                "duplicates": runner.stats.duplicates,
                "dead_lettered": runner.stats.dead_lettered,
                "connected": runner.stats.connected,
                "last_error": runner.stats.last_error,
            }
        status: dict[str, Any] = {"kind": self._settings.bus.kind, "consumers": consumers}
        if self.relay is not None:
            status["relay"] = {
                "connected": self.relay.connected,
                "published": self.relay.published,
                "last_error": self.relay.last_error,
            }
        return status


def _tcp_reachable(bootstrap: str) -> bool:
    for server in bootstrap.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            with socket.create_connection((host, int(port)), timeout=1.0):
                return True
        except OSError:
            continue
    return False
