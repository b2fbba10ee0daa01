"""The inbox (站内信): people read their own messages and acknowledge them, 已阅 or 已办.

A principal is a sign-in account (projects-api); a message is addressed to a contact (person_id) of a unit.
The office links the two in the directory (`person_preferences.user_id`), and an account sees the inbox of
every contact linked to it; office and admin accounts also see the office desk's messages.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_notifier.directory.repository import DirectoryRepository
from gongjian_notifier.inbox.errors import InboxItemNotFound
from gongjian_notifier.inbox.repository import InboxRepository, visible_to
from gongjian_notifier.inbox.schemas import AckKind, InboxItem
from gongjian_notifier.notifications.repository import NotificationRepository
from gongjian_shared.auth import Principal
from gongjian_shared.clock import Clock


async def visibility(session: AsyncSession, principal: Principal) -> ColumnElement[bool]:
    people = await DirectoryRepository(session).linked_people(principal.user_id)
    return visible_to(people, principal.is_office)


def item_of(row: Any) -> InboxItem:
    delivery, notification = row
    return InboxItem(
        id=delivery.id,
        notification_id=notification.id,
        event_type=notification.event_type,
        title=notification.title,
        body=notification.body,
        link=notification.link,
        urgency=notification.urgency,
        unit_name=notification.unit_name,
        for_office=delivery.recipient_kind == "office",
        needs_ack=notification.needs_ack,
        ack_due_at=notification.ack_due_at,
        created_at=delivery.created_at,
        read_at=delivery.read_at,
        acknowledged_at=delivery.acknowledged_at,
        ack_kind=delivery.ack_kind,
        acknowledged_by_someone_at=notification.acknowledged_at,
    )


async def mine(session: AsyncSession, principal: Principal, delivery_id: int, *, lock: bool = False) -> Any:
    row = await InboxRepository(session).get(await visibility(session, principal), delivery_id, lock=lock)
    if row is None:
        raise InboxItemNotFound(f"No inbox item {delivery_id} for this account.")
    return row


async def mark_read(session: AsyncSession, clock: Clock, principal: Principal, delivery_id: int) -> InboxItem:
    await mine(session, principal, delivery_id)
    await InboxRepository(session).mark_read(delivery_id, clock.now())
    session.expire_all()
    return item_of(await mine(session, principal, delivery_id))


async def acknowledge(
    session: AsyncSession, clock: Clock, principal: Principal, delivery_id: int, kind: AckKind
) -> InboxItem:
    """Acknowledge for the person and for everyone told of it: the escalation stops, unsent pushes are dropped.

    已办 outranks 已阅: a later 已阅 leaves an earlier 已办 as it is.
    """
    delivery, notification = await mine(session, principal, delivery_id, lock=True)
    now = clock.now()
    if delivery.ack_kind != "done":
        await InboxRepository(session).acknowledge(delivery_id, now, kind)
    await NotificationRepository(session).acknowledge_chain(
        notification.root_id, now, principal.user_id, kind
    )
    session.expire_all()
    return item_of(await mine(session, principal, delivery_id))
