"""What every consumer shares, whichever bus carries the events: subscriptions, the inbox, dead letters.

A service's handlers are one table keyed by payload class (`EVENT_HANDLERS` in its `handlers.py`, the way
cosmicpython's message bus keys them). The consumer parses each payload once, from the event registry, and
calls the handler with a unit of work (the event's transaction) and the typed `Event`.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_shared.bus.tables import BusTables
from gongjian_shared.events.envelope import EventEnvelope, EventPayload
from gongjian_shared.events.registry import parse_payload, streams_of
from gongjian_shared.observability.context import event_id_var, service_var
from gongjian_shared.observability.tracing import traced
from gongjian_shared.outbox import correlation_id_var
from gongjian_shared.uow import UnitOfWork

logger = logging.getLogger("gongjian.bus")

P = TypeVar("P", bound=EventPayload, covariant=True)


@dataclass(frozen=True)
class Event(Generic[P]):
    """One consumed event: its payload, parsed once from the registry, and the envelope it came in."""

    payload: P
    envelope: EventEnvelope

    @property
    def event_id(self) -> uuid.UUID:
        return self.envelope.event_id

    @property
    def occurred_at(self) -> datetime:
        return self.envelope.occurred_at


# The unit of work of one event's transaction: the service's own kind (`ServiceSpec.unit_of_work`).
UnitOfWorkFactory = Callable[[AsyncSession], UnitOfWork]
# A handler applies one event in the service's unit of work (a `UnitOfWork`, or the service's subclass of
# it, hence `Any`); it never commits.
Handler = Callable[[Any, Event[Any]], Awaitable[None]]
Handlers = Mapping[type[EventPayload], Handler]
# What a process keeps in memory beside the rows a handler wrote (a cached tree, token versions): updated from
# the payload once the event's transaction has committed.
Remember = Callable[[Any], None]


@dataclass(frozen=True)
class Subscription:
    """A consumer group of one service: the handler for each payload class it applies, and what it remembers."""

    group_id: str
    handlers: Handlers
    after_commit: Mapping[type[EventPayload], Remember] = field(default_factory=dict)

    @property
    def event_types(self) -> set[str]:
        return {payload_type.event_type for payload_type in self.handlers}

    @property
    def streams(self) -> set[str]:
        return streams_of(self.event_types)


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

    def __init__(
        self, tables: BusTables, subscription: Subscription, unit_of_work: UnitOfWorkFactory
    ) -> None:
        self._tables = tables
        self._unit_of_work = unit_of_work
        self._event_types = subscription.event_types
        self.subscription = subscription
        self._service = subscription.group_id.partition(".")[0]

    def wants(self, event_type: str) -> bool:
        return event_type in self._event_types

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
        payload = parse_payload(envelope)
        handler = self.subscription.handlers.get(type(payload))
        if handler is None:
            raise LookupError(
                f"{self.subscription.group_id} has no handler for {envelope.type} v{envelope.version}"
            )
        uow = self._unit_of_work(session)
        with handling(self._service, envelope):
            await handler(uow, Event(payload, envelope))
            logger.info(
                "consumer group %s applied %s v%d",
                self.subscription.group_id,
                envelope.type,
                envelope.version,
                extra={"group": self.subscription.group_id, "event_type": envelope.type},
            )
        remember = self.subscription.after_commit.get(type(payload))
        if remember is not None:
            uow.after_commit(functools.partial(remember, payload))
        return True

    async def dead_letter(
        self, session: AsyncSession, envelope: EventEnvelope, error: str, attempts: int
    ) -> None:
        await session.execute(
            self._tables.dead_letters.insert().values(
                group_id=self.subscription.group_id,
                event_id=envelope.event_id,
                type=envelope.type,
                envelope=envelope.to_json(),
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
            extra={
                "service": self._service,
                "event_id": str(envelope.event_id),
                "correlation_id": str(envelope.correlation_id or envelope.event_id),
                "group": self.subscription.group_id,
            },
        )


@contextlib.contextmanager
def handling(service: str, envelope: EventEnvelope) -> Iterator[None]:
    """What log lines and caused events carry while a consumer applies `envelope`: its correlation id (the
    event's own id when it has none), the service, the event id, and a span in the event's trace."""
    tokens = (
        correlation_id_var.set(envelope.correlation_id or envelope.event_id),
        service_var.set(service),
        event_id_var.set(envelope.event_id),
    )
    try:
        with traced(f"apply {envelope.type}", envelope.traceparent, kind="consumer"):
            yield
    finally:
        correlation_id_var.reset(tokens[0])
        service_var.reset(tokens[1])
        event_id_var.reset(tokens[2])


def describe_error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:4000]


# SQLSTATEs of a server that is going away or not there yet (admin or crash shutdown, "the database system is
# shutting down / starting up", too many connections): an outage, not the event's fault; class 08 likewise
OUTAGE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})


def is_infrastructure_error(exc: BaseException) -> bool:
    """A lost or refused database connection is no reason to dead-letter an event: the runner reconnects
    instead. A PostgreSQL restarting answers new sessions with 57P03 for a while, which no handler can fix; nor
    can it fix a pool whose connections all stayed busy past its timeout. An API request failing so did nothing
    and answers 503 (`service.CorrelationMiddleware`)."""
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    if is_lost_connection(exc) or isinstance(exc, OSError | TimeoutError | PoolTimeout):
        return True
    return isinstance(exc, DBAPIError) and _sqlstate(exc) in OUTAGE_SQLSTATES


def is_lost_connection(exc: BaseException) -> bool:
    """The pooled connection turned out dead (dropped by the network or the server since it was pooled): the
    pool replaces it, so the same read, sent again at once, most likely succeeds. A server refusing sessions or
    a pool exhausted past its timeout is no such case: trying again at once only doubles the wait."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated) or _sqlstate(exc).startswith("08")
    return isinstance(exc, ConnectionError)


def _sqlstate(exc: BaseException) -> str:
    return str(getattr(getattr(exc, "orig", None), "sqlstate", None) or "")
