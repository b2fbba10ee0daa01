"""The SQL of the inbox: only rows of the inbox channel, only the caller's own (or the office desk's)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select, update

from gongjian_notifier.models import Delivery, Notification
from gongjian_shared.repository import Repository


def visible_to(
    account_id: uuid.UUID | None, person_ids: Sequence[uuid.UUID], office: bool
) -> ColumnElement[bool]:
    """An account's inbox rows: those addressed to it, to the contacts it is linked to, and (office) the desk's."""
    mine: ColumnElement[bool] = Delivery.person_id.in_(person_ids) if person_ids else false()
    if account_id is not None:
        mine = or_(mine, Delivery.account_id == account_id)
    if office:
        mine = or_(mine, Delivery.recipient_kind == "office")
    return and_(Delivery.channel == "inbox", mine)


class InboxRepository(Repository):
    async def page(
        self, visible: ColumnElement[bool], *, unread: bool, awaiting_ack: bool, limit: int, offset: int
    ) -> tuple[list[Any], int]:
        conditions = [visible]
        if unread:
            conditions.append(Delivery.read_at.is_(None))
        if awaiting_ack:
            conditions += [Notification.needs_ack.is_(True), Notification.acknowledged_at.is_(None)]
        query = (
            select(Delivery, Notification)
            .join(Notification, Notification.id == Delivery.notification_id)
            .where(*conditions)
        )
        total = await self._session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self._session.execute(
            query.order_by(Delivery.created_at.desc(), Delivery.id.desc()).limit(limit).offset(offset)
        )
        return list(rows.all()), int(total or 0)

    async def counts(self, visible: ColumnElement[bool]) -> tuple[int, int]:
        query = (
            select(
                func.count().filter(Delivery.read_at.is_(None)),
                func.count().filter(Notification.needs_ack, Notification.acknowledged_at.is_(None)),
            )
            .select_from(Delivery)
            .join(Notification, Notification.id == Delivery.notification_id)
            .where(visible)
        )
        unread, awaiting = (await self._session.execute(query)).one()
        return int(unread), int(awaiting)

    async def get(self, visible: ColumnElement[bool], delivery_id: int, *, lock: bool = False) -> Any | None:
        query = (
            select(Delivery, Notification)
            .join(Notification, Notification.id == Delivery.notification_id)
            .where(visible, Delivery.id == delivery_id)
        )
        if lock:
            query = query.with_for_update(of=Delivery)
        return (await self._session.execute(query)).first()

    async def mark_read(self, delivery_id: int, now: datetime) -> None:
        await self._session.execute(
            update(Delivery).where(Delivery.id == delivery_id, Delivery.read_at.is_(None)).values(read_at=now)
        )

    async def acknowledge(self, delivery_id: int, now: datetime, kind: str) -> None:
        await self._session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id)
            .values(
                read_at=func.coalesce(Delivery.read_at, now),
                acknowledged_at=func.coalesce(Delivery.acknowledged_at, now),
                ack_kind=kind,
            )
        )
