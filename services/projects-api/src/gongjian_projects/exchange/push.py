"""The outbound push adapter (推送): the registry's changes POSTed to one configured endpoint.

Driven by the registry's own events: the consumer group `projects-api.push` (handlers.py) records each change
as a delivery row, exactly once (the bus's inbox), in log order. A job sends the waiting rows oldest first
through a `PushTarget`; `HttpJsonPush` POSTs the event's envelope as JSON with the event id as its
`Idempotency-Key`, so a receiver applies a change once however often it arrives. A failed attempt waits with a
doubling backoff, and a later change never overtakes it; after `max_attempts` (or at once, on an answer that
says the request itself is wrong) the row is a dead letter, listed for the office and sent again on its
word (`/api/v1/push/dead-letters`). Off unless `PROJECTS_PUSH__URL` is set.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gongjian_projects.exchange.repository import PushRepository
from gongjian_projects.models import PushDelivery
from gongjian_projects.settings import PushSettings
from gongjian_shared.clock import Clock
from gongjian_shared.db import unit_of_work

logger = logging.getLogger("gongjian.push")

IDEMPOTENCY_HEADER = "Idempotency-Key"
EVENT_TYPE_HEADER = "X-Gongjian-Event-Type"
# answers that may change on a later attempt; any other 4xx says the request itself is refused
RETRYABLE_CLIENT_ERRORS = frozenset({408, 425, 429})


@dataclass(frozen=True)
class PushRequest:
    """One change to send: its idempotency key (the event id), type and body (the envelope)."""

    idempotency_key: str
    event_type: str
    body: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    error: str | None = None
    permanent: bool = False  # retrying cannot help: a dead letter at once


class PushTarget(Protocol):
    """Where changes are pushed to; one implementation per kind of receiver."""

    async def send(self, request: PushRequest) -> Outcome: ...


class HttpJsonPush:
    """POST the change as JSON, bearer-authenticated, bounded by the timeout as a whole."""

    def __init__(self, settings: PushSettings, client: httpx.AsyncClient) -> None:
        if not settings.url:
            raise ValueError("the push adapter needs PROJECTS_PUSH__URL")
        self._url = settings.url
        self._settings = settings
        self._client = client

    def _headers(self, request: PushRequest) -> dict[str, str]:
        headers = {IDEMPOTENCY_HEADER: request.idempotency_key, EVENT_TYPE_HEADER: request.event_type}
        if self._settings.token is not None:
            headers["Authorization"] = f"Bearer {self._settings.token.get_secret_value()}"
        return headers

    async def send(self, request: PushRequest) -> Outcome:
        timeout = self._settings.timeout_seconds
        try:
            async with asyncio.timeout(timeout):
                response = await self._client.post(
                    self._url, json=request.body, headers=self._headers(request), timeout=timeout
                )
        except (TimeoutError, httpx.TimeoutException):
            return Outcome(False, f"no answer within {timeout:g}s")
        except httpx.HTTPError as exc:
            return Outcome(False, f"{type(exc).__name__}: {exc}")
        if response.is_success:
            return Outcome(True)
        error = f"HTTP {response.status_code}: {response.text[:500]}"
        permanent = 400 <= response.status_code < 500 and response.status_code not in RETRYABLE_CLIENT_ERRORS
        return Outcome(False, error, permanent=permanent)


def backoff(settings: PushSettings, attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt in a row: doubling, bounded."""
    seconds = settings.backoff_seconds * 2.0 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.max_backoff_seconds))


def request_of(row: PushDelivery) -> PushRequest:
    return PushRequest(idempotency_key=str(row.event_id), event_type=row.type, body=row.envelope)


async def _record(
    sessionmaker: async_sessionmaker[AsyncSession],
    row: PushDelivery,
    outcome: Outcome,
    settings: PushSettings,
    now: datetime,
) -> bool:
    """Store one attempt's outcome in a transaction of its own; True when the line may go on."""
    attempts = row.attempts + 1
    async with unit_of_work(sessionmaker) as session:
        pushes = PushRepository(session)
        if outcome.delivered:
            await pushes.delivered(row.id, attempts, now)
            return True
        dead = outcome.permanent or attempts >= settings.max_attempts
        retry_at = None if dead else now + backoff(settings, attempts)
        await pushes.failed(row.id, attempts, outcome.error or "failed", retry_at=retry_at, at=now)
    logger.warning(
        "push of %s %s failed (attempt %d): %s%s",
        row.type,
        row.event_id,
        attempts,
        outcome.error,
        "; now a dead letter" if dead else "",
    )
    return dead


async def push_once(
    sessionmaker: async_sessionmaker[AsyncSession], target: PushTarget, settings: PushSettings, clock: Clock
) -> bool:
    """One run: send the waiting deliveries in log order until one fails; True when more are waiting.

    The rows are read in a transaction that holds only an advisory lock (one sender across replicas) and no
    transaction id; each outcome is stored in a short transaction of its own, after the answer."""
    async with sessionmaker() as session, session.begin():
        pushes = PushRepository(session)
        if not await pushes.try_sender_lock():
            return False
        rows = await pushes.due(clock.now(), settings.batch_size)
        for row in rows:
            outcome = await target.send(request_of(row))
            if not await _record(sessionmaker, row, outcome, settings, clock.now()):
                return False  # it waits for its retry, and every later change behind it
    return len(rows) == settings.batch_size
