"""The SQL of delivery: claiming due rows (FOR UPDATE SKIP LOCKED, then a lease), and recording outcomes."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text, update

from gongjian_notifier.models import DELIVERIES, Delivery
from gongjian_shared.repository import Repository

DIGEST_LOCK = zlib.crc32(b"gongjian-notifier-digest")


@dataclass(frozen=True)
class Claimed:
    """A claimed delivery with what its message needs."""

    id: int
    notification_id: Any
    recipient_key: str
    recipient_name: str
    unit_id: Any
    channel: str
    address: str
    mention_phone: str | None
    mention_im_id: str | None
    attempts: int
    title: str
    body: str
    link: str
    urgency: str
    unit_name: str | None
    created_at: datetime


# in the order of Claimed's fields: a row becomes a Claimed positionally, without a mapping per row
_COLUMNS = (
    "d.id, d.notification_id, d.recipient_key, d.recipient_name, d.unit_id, d.channel, d.address, "
    "d.mention_phone, d.mention_im_id, d.attempts, n.title, n.body, n.link, n.urgency, n.unit_name, d.created_at"
)

# Two steps in one statement: lock due rows nobody else holds, then stamp them with our lease, so that the
# network calls that follow run outside any transaction and a crashed worker's rows come back after the lease.
_CLAIM = text(
    f"""
    WITH due AS (
        SELECT id FROM notifier.deliveries
        WHERE channel = :channel
          AND ((status = 'pending' AND not_before <= :now)
               OR (status = 'sending' AND lease_until < :now AND digest_key IS NULL))
        ORDER BY not_before, id
        LIMIT :limit
        FOR UPDATE SKIP LOCKED
    )
    UPDATE notifier.deliveries AS d
    SET status = 'sending', attempts = d.attempts + 1, lease_until = :lease_until, claimed_by = :worker
    FROM due, notifier.notifications AS n
    WHERE d.id = due.id AND n.id = d.notification_id
    RETURNING {_COLUMNS}
    """
)

_CLAIM_DIGEST = text(
    f"""
    WITH due AS (
        SELECT id FROM notifier.deliveries
        WHERE status = 'digest' AND not_before <= :now
        ORDER BY recipient_key, channel, id
        LIMIT :limit
        FOR UPDATE SKIP LOCKED
    )
    UPDATE notifier.deliveries AS d
    SET status = 'sending', attempts = d.attempts + 1, lease_until = :lease_until, claimed_by = :worker
    FROM due, notifier.notifications AS n
    WHERE d.id = due.id AND n.id = d.notification_id
    RETURNING {_COLUMNS}
    """
)


class DeliveryRepository(Repository):
    async def claim(
        self, channel: str, now: datetime, lease_until: datetime, worker: str, limit: int
    ) -> list[Claimed]:
        rows = await self._session.execute(
            _CLAIM,
            {"channel": channel, "now": now, "lease_until": lease_until, "worker": worker, "limit": limit},
        )
        return sorted((Claimed(*row) for row in rows), key=lambda claimed: claimed.id)

    async def claim_digests(
        self, now: datetime, lease_until: datetime, worker: str, limit: int
    ) -> list[Claimed]:
        """Due digest rows, by one worker at a time, so that one person's day goes out as one message."""
        locked = await self._session.scalar(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": DIGEST_LOCK}
        )
        if not locked:
            return []
        rows = await self._session.execute(
            _CLAIM_DIGEST, {"now": now, "lease_until": lease_until, "worker": worker, "limit": limit}
        )
        return sorted((Claimed(*row) for row in rows), key=lambda claimed: claimed.id)

    async def release_stale_digests(self, now: datetime) -> None:
        """Digest rows whose worker died mid-send go back to waiting (their lease ran out)."""
        await self._session.execute(
            update(Delivery)
            .where(
                Delivery.status == "sending",
                Delivery.digest_key.is_not(None),
                Delivery.lease_until < now,
            )
            .values(status="digest", digest_key=None)
        )

    async def set_digest_keys(self, keys: dict[int, str]) -> None:
        if keys:
            await self._session.execute(
                update(DELIVERIES)
                .where(DELIVERIES.c.id == bindparam("b_id"))
                .values(digest_key=bindparam("b_key")),
                [{"b_id": key_id, "b_key": key} for key_id, key in keys.items()],
            )

    async def complete(self, worker: str, outcomes: Sequence[dict[str, Any]]) -> None:
        """Record outcomes of the rows this worker still holds (a row whose lease ran out is another's)."""
        if not outcomes:
            return
        statement = (
            update(DELIVERIES)
            .where(
                DELIVERIES.c.id == bindparam("b_id"),
                DELIVERIES.c.claimed_by == worker,
                DELIVERIES.c.status == "sending",
            )
            .values(
                status=bindparam("b_status"),
                not_before=bindparam("b_not_before"),
                last_error=bindparam("b_error"),
                delivered_at=bindparam("b_delivered_at"),
                failed_at=bindparam("b_failed_at"),
                lease_until=None,
            )
        )
        await self._session.execute(statement, list(outcomes))
