"""The SQL of notifications: writing them with their deliveries, escalation claims, acknowledgement, audit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.dialects.postgresql import insert

from gongjian_notifier.models import DELIVERIES, NOTIFICATIONS, Delivery, Notification
from gongjian_notifier.notifications.audiences import LEADERS_AUDIENCE
from gongjian_notifier.notifications.schemas import AuditFilter
from gongjian_shared.repository import ModelRepository

PUSH_WAITING = ("pending", "digest")


def _audit_conditions(audit: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if audit.unit_id is not None:
        conditions.append(Notification.unit_id == audit.unit_id)
    if audit.person_id is not None:
        conditions.append(Delivery.person_id == audit.person_id)
    if audit.account_id is not None:
        conditions.append(Delivery.account_id == audit.account_id)
    if audit.channel is not None:
        conditions.append(Delivery.channel == audit.channel)
    if audit.status is not None:
        conditions.append(Delivery.status == audit.status)
    if audit.event_type is not None:
        conditions.append(Notification.event_type == audit.event_type)
    if audit.acknowledged is not None:
        acked = Notification.acknowledged_at.is_not(None)
        conditions.append(acked if audit.acknowledged else ~acked)
    if audit.since is not None:
        conditions.append(Delivery.created_at >= audit.since)
    if audit.until is not None:
        conditions.append(Delivery.created_at < audit.until)
    return conditions


class NotificationRepository(ModelRepository[Notification]):
    model = Notification

    async def insert_many(self, rows: Sequence[dict[str, Any]]) -> set[str]:
        """The keys of the notifications inserted now (the others were written before)."""
        if not rows:
            return set()
        statement = insert(NOTIFICATIONS).on_conflict_do_nothing(index_elements=["key"])
        inserted = await self._session.execute(statement.returning(NOTIFICATIONS.c.key), list(rows))
        return set(inserted.scalars())

    async def insert_deliveries(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            await self._session.execute(insert(DELIVERIES).on_conflict_do_nothing(), list(rows))

    async def to_leader(self, leader_id: uuid.UUID, since: datetime) -> list[Notification]:
        """The notifications written to a leader themselves (the `leaders-` audience) since then."""
        query = (
            select(Notification)
            .where(
                Notification.level == 0,
                Notification.office.is_(False),
                Notification.unit_id.is_(None),
                Notification.key.like(f"%:{LEADERS_AUDIENCE}%"),
                Notification.leader_ids.any_() == leader_id,
                Notification.status.in_(("active", "unrouted")),
                Notification.created_at >= since,
            )
            .order_by(Notification.created_at)
        )
        return list((await self._session.execute(query)).scalars())

    async def recipient_keys(self, notification_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, set[str]]:
        """Who each notification already reaches (its deliveries' recipient keys)."""
        found: dict[uuid.UUID, set[str]] = {n: set() for n in notification_ids}
        if notification_ids:
            rows = await self._session.execute(
                select(Delivery.notification_id, Delivery.recipient_key).where(
                    Delivery.notification_id.in_(list(notification_ids))
                )
            )
            for notification_id, key in rows.all():
                found[notification_id].add(key)
        return found

    async def mark_routed(self, notification_ids: Sequence[uuid.UUID]) -> None:
        """Notifications nobody could be told of now reach someone."""
        if notification_ids:
            await self._session.execute(
                update(Notification)
                .where(Notification.id.in_(list(notification_ids)), Notification.status == "unrouted")
                .values(status="active", error=None)
            )

    async def claim_escalations(self, now: datetime, max_level: int, limit: int) -> list[Notification]:
        """Unacknowledged notifications past their delay, locked so that one replica escalates each."""
        query = (
            select(Notification)
            .where(
                Notification.needs_ack,
                Notification.status == "active",
                Notification.acknowledged_at.is_(None),
                Notification.escalated_at.is_(None),
                Notification.ack_due_at <= now,
                Notification.level < max_level,
            )
            .order_by(Notification.ack_due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list((await self._session.execute(query)).scalars())

    async def mark_escalated(self, notification_id: uuid.UUID, now: datetime) -> None:
        await self._session.execute(
            update(Notification).where(Notification.id == notification_id).values(escalated_at=now)
        )

    async def acknowledge_chain(
        self, root_id: uuid.UUID, now: datetime, user_id: uuid.UUID, kind: str
    ) -> None:
        """Stamp the whole chain, and cancel its pushes that have not gone yet: the work is seen to."""
        await self._session.execute(
            update(Notification)
            .where(Notification.root_id == root_id, Notification.acknowledged_at.is_(None))
            .values(acknowledged_at=now, acknowledged_by=user_id, ack_kind=kind)
        )
        chain = select(Notification.id).where(Notification.root_id == root_id).scalar_subquery()
        await self._session.execute(
            update(Delivery)
            .where(Delivery.notification_id.in_(chain), Delivery.status.in_(PUSH_WAITING))
            .values(status="cancelled", last_error="acknowledged before it was sent (已确认，无需再发)")
        )

    def _audit_query(self, audit: AuditFilter) -> Select[Delivery, Notification]:
        return (
            select(Delivery, Notification)
            .join(Notification, Notification.id == Delivery.notification_id)
            .where(*_audit_conditions(audit))
        )

    async def audit(self, audit: AuditFilter, limit: int, offset: int) -> tuple[list[Any], int]:
        query = self._audit_query(audit)
        count = select(func.count()).select_from(query.subquery())
        rows = await self._session.execute(
            query.order_by(Delivery.created_at.desc(), Delivery.id.desc()).limit(limit).offset(offset)
        )
        return list(rows.all()), int(await self._session.scalar(count) or 0)

    async def notifications(
        self, status: str | None, unit_id: uuid.UUID | None, limit: int, offset: int
    ) -> tuple[list[Notification], int]:
        conditions: list[ColumnElement[bool]] = []
        if status is not None:
            conditions.append(Notification.status == status)
        if unit_id is not None:
            conditions.append(Notification.unit_id == unit_id)
        query = select(Notification).where(*conditions)
        count = select(func.count()).select_from(query.subquery())
        rows = await self._session.execute(
            query.order_by(Notification.created_at.desc(), Notification.id).limit(limit).offset(offset)
        )
        return list(rows.scalars()), int(await self._session.scalar(count) or 0)

    async def deliveries_of(self, notification_id: uuid.UUID) -> list[Delivery]:
        rows = await self._session.execute(
            select(Delivery).where(Delivery.notification_id == notification_id).order_by(Delivery.id)
        )
        return list(rows.scalars())

    async def delivery_with_notification(self, delivery_id: int) -> Any | None:
        query = (
            select(Delivery, Notification)
            .join(Notification, Notification.id == Delivery.notification_id)
            .where(Delivery.id == delivery_id)
            .execution_options(populate_existing=True)
        )
        return (await self._session.execute(query)).first()

    async def retry_failed(self, delivery_id: int, now: datetime) -> Delivery | None:
        """Put a failed push back in the queue (the office fixed an address or a robot)."""
        row = await self._session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.status == "failed", Delivery.channel != "inbox")
            .values(status="pending", not_before=now, attempts=0, failed_at=None)
            .returning(Delivery)
        )
        return row.scalar_one_or_none()
