"""The delivery worker: escalates what nobody acknowledged, sends what is due, one daily digest per person.

Every replica runs one (on a periodic job: `delivery/jobs.py`). Rows are claimed with FOR UPDATE SKIP LOCKED
and leased, so two replicas never send the same row; a stopping worker finishes the batch it holds before it
exits, so a restart sends nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
import zlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_notifier.channels.base import Channel, Message, Outcome
from gongjian_notifier.delivery.metrics import count_delivery
from gongjian_notifier.delivery.ratelimit import TokenBucket
from gongjian_notifier.delivery.repository import Claimed, DeliveryRepository
from gongjian_notifier.delivery.timing import backoff
from gongjian_notifier.directory.repository import DirectoryRepository
from gongjian_notifier.notifications import links
from gongjian_notifier.notifications.escalation import escalate_due
from gongjian_notifier.notifications.rendering import TemplateFailure
from gongjian_notifier.outbound import OutboundPolicy
from gongjian_notifier.runtime import NotifierRuntime, NotifierUnitOfWork
from gongjian_notifier.settings import Urgency
from gongjian_shared.clock import business_today
from gongjian_shared.db import unit_of_work
from gongjian_shared.service import ServiceContext

logger = logging.getLogger("gongjian.notifier")


def message_of(claimed: Claimed, secret: str | None = None) -> Message:
    return Message(
        delivery_id=claimed.id,
        key=f"gongjian-delivery-{claimed.id}",
        address=claimed.address,
        recipient_name=claimed.recipient_name,
        title=claimed.title,
        body=claimed.body,
        link=claimed.link,
        urgency=cast(Urgency, claimed.urgency),
        mention_phone=claimed.mention_phone,
        mention_im_id=claimed.mention_im_id,
        secret=secret,
    )


def digest_key(rows: Sequence[Claimed]) -> str:
    """One digest's key, from the rows it holds: sent again after a crash with the same rows it is the same
    message (a receiver drops the copy); with rows that came in meanwhile it is another, which must arrive."""
    members = ",".join(str(row.id) for row in sorted(rows, key=lambda row: row.id))
    return f"digest-{min(row.id for row in rows)}-{zlib.crc32(members.encode()):08x}"


class DeliveryWorker:
    """One replica's sender: a pass escalates (when asked), sends each push channel's due rows, and digests."""

    def __init__(
        self,
        context: ServiceContext,
        runtime: NotifierRuntime,
        *,
        worker_id: str | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._outbox = context.outbox
        self._sessionmaker = context.sessionmaker
        self._clock = context.clock
        self._runtime = runtime
        self._settings = runtime.settings
        self._delivery = runtime.settings.delivery
        self._channels = runtime.channels
        self._renderer = runtime.renderer
        self.monotonic = monotonic
        self.worker_id = worker_id or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._buckets = {
            name: TokenBucket(rate, monotonic)
            for name, rate in self._delivery.rate_per_second.items()
            if rate > 0
        }
        self._outbound = OutboundPolicy(runtime.settings)
        self.in_flight = 0  # rows claimed and not yet recorded

    async def run_once(self, *, scheduled: bool = True) -> int:
        """One pass: escalations and digests (when `scheduled`), then every push channel.

        Returns how many rows it handled.
        """
        escalated = await self._escalate() if scheduled else 0
        passes = [self._deliver(channel) for channel in self._channels.push_channels]
        if scheduled:
            passes.append(self._digests())
        handled = await asyncio.gather(*passes)
        return escalated + sum(handled)

    async def deliver_due(self, max_rounds: int = 100) -> int:
        """Passes until nothing is due (bounded); for tests and the benchmark."""
        total = 0
        for _ in range(max_rounds):
            handled = await self.run_once()
            total += handled
            if handled == 0:
                break
        return total

    async def _escalate(self) -> int:
        async with unit_of_work(self._sessionmaker) as session:
            uow = NotifierUnitOfWork(session, self._outbox, self._clock, self._runtime)
            return await escalate_due(uow)

    def _budget(self, channel: str) -> int:
        bucket = self._buckets.get(channel)
        limit = self._delivery.batch_size
        return limit if bucket is None else min(limit, bucket.available())

    async def _deliver(self, channel: Channel) -> int:
        limit = self._budget(channel.name)
        if limit <= 0:
            return 0
        now = self._clock.now()
        lease_until = now + timedelta(seconds=self._delivery.lease_seconds)
        async with unit_of_work(self._sessionmaker) as session:
            claimed = await DeliveryRepository(session).claim(
                channel.name, now, lease_until, self.worker_id, limit
            )
            secrets = await self._secrets(session, channel.name, claimed)
        if not claimed:
            return 0
        if (bucket := self._buckets.get(channel.name)) is not None:
            bucket.take(len(claimed))
        self.in_flight += len(claimed)
        try:
            messages = [message_of(row, secrets.get(row.address)) for row in claimed]
            outcomes = await self._send(channel, messages)
            await self._record(claimed, outcomes, retry_status="pending")
        finally:
            self.in_flight -= len(claimed)
        return len(claimed)

    async def _secrets(
        self, session: AsyncSession, channel: str, claimed: Sequence[Claimed]
    ) -> dict[str, str]:
        if channel != "dingtalk" or not claimed:
            return {}
        secrets = await DirectoryRepository(session).dingtalk_secrets(row.address for row in claimed)
        office = self._settings.office
        if office.dingtalk_webhook_url and office.dingtalk_secret:
            secrets.setdefault(office.dingtalk_webhook_url, office.dingtalk_secret.get_secret_value())
        return secrets

    async def _send(self, channel: Channel, messages: Sequence[Message]) -> list[Outcome]:
        """Each message's outcome; one to a URL the outbound rule refuses fails without a request."""
        refused = await self._refused(channel.name, messages)
        allowed = [message for message in messages if message.delivery_id not in refused]
        sent = iter(await self._send_allowed(channel, allowed) if allowed else [])
        return [refused.get(message.delivery_id) or next(sent) for message in messages]

    async def _refused(self, channel: str, messages: Sequence[Message]) -> dict[int, Outcome]:
        if self._outbound.unrestricted or not self._outbound.governs(channel):
            return {}
        gateway = self._settings.sms.url or ""
        verdicts: dict[str, Outcome | None] = {}
        refused = {}
        for message in messages:
            url = gateway if channel == "sms" else message.address
            if url not in verdicts:
                refusal = await self._outbound.refusal(channel, url)
                verdicts[url] = None
                if refusal is not None:
                    verdicts[url] = (Outcome.failed if refusal.permanent else Outcome.retry)(refusal.text())
            if (outcome := verdicts[url]) is not None:
                refused[message.delivery_id] = outcome
        return refused

    async def _send_allowed(self, channel: Channel, messages: Sequence[Message]) -> list[Outcome]:
        try:
            outcomes = await channel.send(messages)
        except Exception as exc:  # a channel bug must not strand the rows it was given
            logger.exception("channel %s raised", channel.name)
            return [Outcome.retry(f"channel error: {type(exc).__name__}: {exc}") for _ in messages]
        if len(outcomes) != len(messages):
            return [
                Outcome.retry(f"channel {channel.name} answered {len(outcomes)} of {len(messages)}")
            ] * len(messages)
        return outcomes

    async def _record(
        self, claimed: Sequence[Claimed], outcomes: Sequence[Outcome], retry_status: str
    ) -> None:
        now = self._clock.now()
        params = [
            self._recorded(row, outcome, now, retry_status)
            for row, outcome in zip(claimed, outcomes, strict=True)
        ]
        async with unit_of_work(self._sessionmaker) as session:
            await DeliveryRepository(session).complete(self.worker_id, params)
        for row, values in zip(claimed, params, strict=True):
            count_delivery(row.channel, values["b_status"])

    def _recorded(self, row: Claimed, outcome: Outcome, now: datetime, retry_status: str) -> dict[str, Any]:
        """A row's outcome as it is stored: delivered; back to `retry_status` after a backoff while attempts
        are left; else failed, saying when it gave up."""
        values: dict[str, Any] = {"b_id": row.id, "b_not_before": now, "b_error": outcome.error}
        values |= {"b_delivered_at": None, "b_failed_at": None}
        if outcome.status == "delivered":
            return values | {"b_status": "delivered", "b_delivered_at": now}
        if outcome.status == "retry" and row.attempts < self._delivery.max_attempts:
            wait = backoff(
                row.attempts, self._delivery.backoff_base_seconds, self._delivery.backoff_max_seconds
            )
            return values | {"b_status": retry_status, "b_not_before": now + wait}
        error = outcome.error or "failed"
        if outcome.status == "retry":
            error = f"{error} (gave up after {row.attempts} attempts / 已重试{row.attempts}次)"
        return values | {"b_status": "failed", "b_failed_at": now, "b_error": error}

    async def _digests(self) -> int:
        """Due digest rows, one message per person, channel and address; rows of one message share its fate."""
        claimed, groups, secrets = await self._claim_digests()
        if not claimed:
            return 0
        by_channel: dict[str, list[tuple[list[Claimed], Message | Outcome]]] = defaultdict(list)
        for (_, channel_name, address), rows in groups.items():
            by_channel[channel_name].append((rows, self._digest_message(rows, secrets.get(address))))
        for channel_name, entries in by_channel.items():
            await self._send_digests(channel_name, entries)
        return len(claimed)

    async def _claim_digests(
        self,
    ) -> tuple[list[Claimed], dict[tuple[str, str, str], list[Claimed]], dict[str, str]]:
        """Claim due digest rows (stale ones released first), grouped by recipient, channel and address, each
        group stamped with its digest key; and the DingTalk secrets of their addresses."""
        now = self._clock.now()
        lease_until = now + timedelta(seconds=self._delivery.lease_seconds)
        groups: dict[tuple[str, str, str], list[Claimed]] = defaultdict(list)
        async with unit_of_work(self._sessionmaker) as session:
            repository = DeliveryRepository(session)
            await repository.release_stale_digests(now)
            claimed = await repository.claim_digests(
                now, lease_until, self.worker_id, self._delivery.batch_size * 10
            )
            for row in claimed:
                groups[(row.recipient_key, row.channel, row.address)].append(row)
            keys = {row.id: digest_key(rows) for rows in groups.values() for row in rows}
            await repository.set_digest_keys(keys)
            secrets = await self._secrets(
                session, "dingtalk", [r for r in claimed if r.channel == "dingtalk"]
            )
        return claimed, groups, secrets

    async def _send_digests(
        self, channel_name: str, entries: Sequence[tuple[list[Claimed], Message | Outcome]]
    ) -> None:
        """Send one channel's digests (an entry already an outcome when its template failed) and record them."""
        channel = self._channels.get(channel_name)
        ready = [(rows, item) for rows, item in entries if isinstance(item, Message)]
        sent = await self._send(channel, [m for _, m in ready]) if channel else []
        if channel is None:
            sent = [Outcome.failed(f"channel {channel_name} is not configured")] * len(ready)
        results = iter(sent)
        flat_rows: list[Claimed] = []
        flat_outcomes: list[Outcome] = []
        for rows, item in entries:
            outcome = item if isinstance(item, Outcome) else next(results)
            flat_rows.extend(rows)
            flat_outcomes.extend([outcome] * len(rows))
        await self._record(flat_rows, flat_outcomes, retry_status="digest")

    def _digest_message(self, rows: Sequence[Claimed], secret: str | None) -> Message | Outcome:
        first = rows[0]
        context = {
            "unit_name": first.unit_name or self._settings.office.name,
            "recipient_name": first.recipient_name,
            "today": business_today(self._clock),
            "items": [{"title": r.title, "body": r.body, "link": r.link} for r in rows],
        }
        try:
            rendered = self._renderer.render("digest", context)
        except TemplateFailure as exc:
            return Outcome.failed(str(exc))
        return Message(
            delivery_id=first.id,
            key=f"gongjian-{digest_key(rows)}",
            address=first.address,
            recipient_name=first.recipient_name,
            title=rendered.title,
            body=rendered.body,
            link=self._renderer.link(links.INBOX),
            urgency="low",
            mention_phone=first.mention_phone,
            mention_im_id=first.mention_im_id,
            secret=secret,
        )
