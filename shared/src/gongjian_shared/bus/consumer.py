"""What every consumer shares, whichever bus carries the events: subscriptions, the inbox, dead letters."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_shared.bus.tables import BusTables
from gongjian_shared.events.envelope import EventEnvelope
from gongjian_shared.events.registry import streams_of
from gongjian_shared.outbox import correlation_id_var

logger = logging.getLogger("gongjian.bus")

Handler = Callable[[AsyncSession, EventEnvelope], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    """A consumer group of one service and the handler for each event type it applies."""

    group_id: str
    handlers: Mapping[str, Handler]

    @property
    def streams(self) -> set[str]:
        return streams_of(self.handlers)


@dataclass
class ConsumerStats:
    applied: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    lag: int | None = None
    last_error: str | None = None
    connected: bool = False
    failures: dict[str, int] = field(default_factory=dict)


class ConsumerRunner(Protocol):
    subscription: Subscription
    stats: ConsumerStats

    async def run(self) -> None: ...

    async def refresh_lag(self) -> int | None: ...


class EventApplier:
    """Applies one event inside the caller's transaction, at most once per consumer group."""

    def __init__(self, tables: BusTables, subscription: Subscription) -> None:
        self._tables = tables
        self.subscription = subscription

    def wants(self, event_type: str) -> bool:
        return event_type in self.subscription.handlers

    async def apply(self, session: AsyncSession, envelope: EventEnvelope) -> bool:
        """True if applied now; False if this group had already applied the event."""
        inbox = self._tables.inbox
        inserted = await session.execute(
            insert(inbox)
            .values(group_id=self.subscription.group_id, event_id=envelope.event_id, type=envelope.type)
            .on_conflict_do_nothing()
            .returning(inbox.c.event_id)
        )
        if inserted.first() is None:
            return False
        token = correlation_id_var.set(envelope.correlation_id or envelope.event_id)
        try:
            await self.subscription.handlers[envelope.type](session, envelope)
        finally:
            correlation_id_var.reset(token)
        return True

    async def dead_letter(
        self, session: AsyncSession, envelope: EventEnvelope, error: str, attempts: int
    ) -> None:
        await session.execute(
            self._tables.dead_letters.insert().values(
                group_id=self.subscription.group_id,
                event_id=envelope.event_id,
                type=envelope.type,
                envelope=envelope.model_dump(mode="json"),
                error=error,
                attempts=attempts,
            )
        )
        logger.error(
            "consumer group %s gave up on event %s (%s) after %d attempts: %s",
            self.subscription.group_id,
            envelope.event_id,
            envelope.type,
            attempts,
            error,
        )


def describe_error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:4000]


def is_infrastructure_error(exc: BaseException) -> bool:
    """A lost database connection is no reason to dead-letter an event: the runner reconnects instead."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, OSError | ConnectionError | TimeoutError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)
