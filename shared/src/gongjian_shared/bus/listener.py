"""LISTEN for outbox commits, so relays and embedded consumers wake at once; polling stays the fallback."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg

from gongjian_shared.bus.tables import NOTIFY_CHANNEL

logger = logging.getLogger("gongjian.bus")


class OutboxListener:
    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._events: list[asyncio.Event] = []
        self._task: asyncio.Task[None] | None = None

    def wake_event(self) -> asyncio.Event:
        event = asyncio.Event()
        self._events.append(event)
        return event

    def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name="outbox-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _wake(self, *_: Any) -> None:
        for event in self._events:
            event.set()

    async def _listen(self) -> None:
        backoff = 0.5
        while True:
            connection: asyncpg.Connection | None = None
            try:
                connection = await asyncpg.connect(self._dsn, timeout=5)
                closed = asyncio.Event()
                connection.add_termination_listener(lambda _conn, event=closed: event.set())
                await connection.add_listener(NOTIFY_CHANNEL, self._wake)
                backoff = 0.5
                self._wake()  # anything committed while we were not listening
                await closed.wait()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.warning("outbox listener cannot reach the database (%s); polling meanwhile", exc)
            finally:
                if connection is not None and not connection.is_closed():
                    with contextlib.suppress(Exception):
                        await connection.close()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 10.0)


async def wait_for_wake(event: asyncio.Event, timeout: float) -> None:
    # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation that arrives just
    # as the event fires, and the runner would then never stop.
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout):
            await event.wait()
    event.clear()
