"""The inbox (站内信): people read their own messages and acknowledge them, 已阅 or 已办.

A principal is a sign-in account (projects-api); a message is addressed to a contact (person_id) of a unit,
or to an account itself (an assigned leader, a convener). projects-api links accounts to contacts
(`links.contact_ids`, kept in the accounts replica): an account sees the messages of every contact linked to
it and those addressed to it; office and admin accounts also see the office desk's messages. A disabled
account sees nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false

from gongjian_notifier.directory.accounts import AccountRepository
from gongjian_notifier.inbox.errors import InboxItemNotFound
from gongjian_notifier.inbox.repository import InboxRepository, visible_to
from gongjian_notifier.inbox.schemas import AckKind, InboxCounts, InboxItem, InboxPage
from gongjian_notifier.notifications.repository import NotificationRepository
from gongjian_shared.auth import Principal
from gongjian_shared.pagination import Paging
from gongjian_shared.uow import UnitOfWork


async def inbox_page(
    uow: UnitOfWork, principal: Principal, *, unread: bool, awaiting_ack: bool, paging: Paging
) -> InboxPage:
    """The caller's own messages, newest first; `unread`, `awaiting_ack` narrow the list."""
    visible = await _visibility(uow, principal)
    rows, total = await InboxRepository(uow.session).page(
        visible, unread=unread, awaiting_ack=awaiting_ack, limit=paging.limit, offset=paging.offset
    )
    return InboxPage.of([_item_of(row) for row in rows], total, paging)


async def inbox_counts(uow: UnitOfWork, principal: Principal) -> InboxCounts:
    unread, awaiting = await InboxRepository(uow.session).counts(await _visibility(uow, principal))
    return InboxCounts(unread=unread, awaiting_ack=awaiting)


async def inbox_item(uow: UnitOfWork, principal: Principal, delivery_id: int) -> InboxItem:
    return _item_of(await _mine(uow, principal, delivery_id))


async def _visibility(uow: UnitOfWork, principal: Principal) -> ColumnElement[bool]:
    account = await AccountRepository(uow.session).get(principal.user_id)
    if account is not None and not account.active:
        return false()
    people = list(account.contact_ids) if account is not None else []
    return visible_to(principal.user_id, people, principal.is_office)


def _item_of(row: Any) -> InboxItem:
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


async def _mine(uow: UnitOfWork, principal: Principal, delivery_id: int, *, lock: bool = False) -> Any:
    """The caller's own inbox row with its notification (locked when `lock`); 404 for anyone else's."""
    visible = await _visibility(uow, principal)
    row = await InboxRepository(uow.session).get(visible, delivery_id, lock=lock)
    if row is None:
        raise InboxItemNotFound(f"No inbox item {delivery_id} for this account.")
    return row


async def mark_read(uow: UnitOfWork, principal: Principal, delivery_id: int) -> InboxItem:
    await _mine(uow, principal, delivery_id)
    await InboxRepository(uow.session).mark_read(delivery_id, uow.clock.now())
    uow.session.expire_all()
    return _item_of(await _mine(uow, principal, delivery_id))


async def acknowledge(uow: UnitOfWork, principal: Principal, delivery_id: int, kind: AckKind) -> InboxItem:
    """Acknowledge for the person and for everyone told of it: the escalation stops, unsent pushes are dropped.

    已办 outranks 已阅: a later 已阅 leaves an earlier 已办 as it is.
    """
    delivery, notification = await _mine(uow, principal, delivery_id, lock=True)
    now = uow.clock.now()
    if delivery.ack_kind != "done":
        await InboxRepository(uow.session).acknowledge(delivery_id, now, kind)
    await NotificationRepository(uow.session).acknowledge_chain(
        notification.root_id, now, principal.user_id, kind
    )
    uow.session.expire_all()
    return _item_of(await _mine(uow, principal, delivery_id))
