"""Notifications (提醒通知): events become messages for people, each with one delivery row per channel; the
office reads what was sent (the audit) and sends a failed push again."""

from __future__ import annotations

import uuid
from typing import Any

from gongjian_notifier.directory.repository import DirectoryRepository, DirectoryUnit
from gongjian_notifier.models import Notification
from gongjian_notifier.notifications.audiences import Audience, NotificationPlan
from gongjian_notifier.notifications.catalogue import plan_for
from gongjian_notifier.notifications.drafts import Addressed, Draft, Written, tell_office, write_notifications
from gongjian_notifier.notifications.errors import (
    DeliveryNotFound,
    DeliveryNotRetryable,
    NotificationNotFound,
)
from gongjian_notifier.notifications.export import workbook_bytes
from gongjian_notifier.notifications.late_links import lock_leaders
from gongjian_notifier.notifications.recipients import RecipientResolver
from gongjian_notifier.notifications.repository import NotificationRepository
from gongjian_notifier.notifications.schemas import (
    AuditFilter,
    DeliveryAudit,
    DeliveryAuditPage,
    NotificationDetail,
    NotificationOut,
    NotificationPage,
)
from gongjian_notifier.runtime import NotifierUnitOfWork
from gongjian_notifier.settings import Urgency
from gongjian_shared.bus.consumer import Event
from gongjian_shared.events.envelope import EventPayload
from gongjian_shared.pagination import Paging
from gongjian_shared.uow import UnitOfWork

EXPORT_LIMIT = 100_000


async def notify_event(uow: NotifierUnitOfWork, event: Event[EventPayload]) -> int:
    """Turn one event into notifications, written together; returns how many were new.

    A template error holds its notification and tells the office; it never raises.
    """
    plan = plan_for(event.payload)
    if plan is None:
        return 0
    event_type = event.envelope.type
    urgency = uow.notifier.settings.urgency.get(event_type, plan.urgency)
    # the leaders' accounts are read under the leaders' lock: a link stored after this catches it up
    # (`late_links.py`)
    await lock_leaders(uow.session, (i for a in plan.audiences if a.to_leaders for i in a.leader_ids))
    resolver = RecipientResolver(uow.session, uow.notifier.settings)
    items, unknown = await _addressed_drafts(uow, resolver, event, plan, urgency)
    results = await write_notifications(uow, resolver, items)
    for (draft, recipients), written in zip(items, results, strict=True):
        if written is not None and not written.held and not recipients:
            await _tell_office_of_no_liaison(uow, resolver, draft, written)
    if unknown:
        context = {"unknown": unknown, "event_type": event_type, "event_id": event.event_id}
        key = f"{event.event_id}:unknown"
        await tell_office(uow, resolver, "unknown-recipient", key, urgency, context, event_id=event.event_id)
    return sum(written is not None for written in results)


async def _addressed_drafts(
    uow: NotifierUnitOfWork,
    resolver: RecipientResolver,
    event: Event[EventPayload],
    plan: NotificationPlan,
    urgency: Urgency,
) -> tuple[list[Addressed], list[str]]:
    """A draft per audience with the people it reaches at level 0; and who could not be found."""
    audiences = plan.audiences
    units = await DirectoryRepository(uow.session).units(
        a.unit_id for a in audiences if a.unit_id is not None
    )
    await resolver.prefetch(audiences, units)
    unknown: list[str] = []
    items: list[Addressed] = []
    for audience in audiences:
        unit = units.get(audience.unit_id) if audience.unit_id is not None else None
        named = audience.liaisons or audience.people or audience.to_leaders
        if not audience.office and unit is None and not named:
            unknown.append(f"单位 {audience.unit_name or audience.unit_id}")
            continue
        resolution = await resolver.resolve(audience, unit, level=0)
        unknown.extend(resolution.unknown)
        items.append((_draft(event, plan, urgency, audience, unit), resolution.recipients))
    return items, unknown


def _draft(
    event: Event[EventPayload],
    plan: NotificationPlan,
    urgency: Urgency,
    audience: Audience,
    unit: DirectoryUnit | None,
) -> Draft:
    return Draft(
        key=f"{event.event_id}:{audience.key}:0",
        event_id=event.event_id,
        event_type=event.envelope.type,
        template=plan.template,
        link_path=plan.link_path,
        urgency=urgency,
        # the assigned leaders are informed; acknowledging (and escalating when nobody does) is the unit's
        needs_ack=plan.needs_ack and not audience.to_leaders,
        unit_id=audience.unit_id,
        unit_name=(unit.name if unit else audience.unit_name),
        office=audience.office,
        leader_ids=audience.leader_ids,
        context={**plan.context, **audience.context},
    )


async def _tell_office_of_no_liaison(
    uow: NotifierUnitOfWork, resolver: RecipientResolver, draft: Draft, written: Written
) -> None:
    """Nobody of the unit can hear of it: the office passes it on."""
    context = {
        "unit_name": draft.unit_name or str(draft.unit_id),
        "original_title": written.title,
        "original_body": written.body,
        "missing_level": draft.level,
    }
    await tell_office(
        uow,
        resolver,
        "unit-without-liaison",
        f"{draft.key}:no-liaison",
        draft.urgency,
        context,
        event_id=draft.event_id,
        link_path=draft.link_path,
    )


def _audit_of(row: Any) -> DeliveryAudit:
    """One delivery with its notification, as the audit shows it (an inbox row's address is not shown)."""
    delivery, notification = row
    return DeliveryAudit(
        id=delivery.id,
        notification_id=notification.id,
        event_type=notification.event_type,
        title=notification.title,
        urgency=notification.urgency,
        level=notification.level,
        unit_id=notification.unit_id,
        unit_name=notification.unit_name,
        recipient_name=delivery.recipient_name,
        recipient_kind=delivery.recipient_kind,
        person_id=delivery.person_id,
        account_id=delivery.account_id,
        channel=delivery.channel,
        address=delivery.address if delivery.channel != "inbox" else None,
        status=delivery.status,
        attempts=delivery.attempts,
        not_before=delivery.not_before,
        last_error=delivery.last_error,
        created_at=delivery.created_at,
        delivered_at=delivery.delivered_at,
        failed_at=delivery.failed_at,
        read_at=delivery.read_at,
        acknowledged_at=delivery.acknowledged_at,
        ack_kind=delivery.ack_kind,
        notification_acknowledged_at=notification.acknowledged_at,
        notification_ack_kind=notification.ack_kind,
    )


async def delivery_audit(uow: UnitOfWork, audit: AuditFilter, paging: Paging) -> DeliveryAuditPage:
    rows, total = await NotificationRepository(uow.session).audit(audit, paging.limit, paging.offset)
    return DeliveryAuditPage.of([_audit_of(row) for row in rows], total, paging)


async def delivery_audit_workbook(uow: UnitOfWork, audit: AuditFilter) -> bytes:
    """The same audit as an Excel workbook, up to `EXPORT_LIMIT` rows."""
    rows, _total = await NotificationRepository(uow.session).audit(audit, EXPORT_LIMIT, 0)
    return workbook_bytes([_audit_of(row) for row in rows])


async def retry_delivery(uow: UnitOfWork, delivery_id: int) -> DeliveryAudit:
    """Put a failed push back in the queue (the office fixed an address or a robot)."""
    repository = NotificationRepository(uow.session)
    if await repository.delivery_with_notification(delivery_id) is None:
        raise DeliveryNotFound(f"No delivery {delivery_id}.")
    if await repository.retry_failed(delivery_id, uow.clock.now()) is None:
        raise DeliveryNotRetryable(
            f"Delivery {delivery_id} is not a failed push.", extra={"allowed": ["failed"]}
        )
    row = await repository.delivery_with_notification(delivery_id)
    assert row is not None
    return _audit_of(row)


async def notifications_page(
    uow: UnitOfWork, status: str | None, unit_id: uuid.UUID | None, paging: Paging
) -> NotificationPage:
    rows, total = await NotificationRepository(uow.session).notifications(
        status, unit_id, paging.limit, paging.offset
    )
    return NotificationPage.of([_out(row) for row in rows], total, paging)


async def notification_detail(uow: UnitOfWork, notification_id: uuid.UUID) -> NotificationDetail:
    repository = NotificationRepository(uow.session)
    notification = await repository.get(notification_id)
    if notification is None:
        raise NotificationNotFound(f"No notification {notification_id}.")
    deliveries = [
        _audit_of((delivery, notification)) for delivery in await repository.deliveries_of(notification_id)
    ]
    return NotificationDetail(**_out(notification).model_dump(), deliveries=deliveries)


def _out(notification: Notification) -> NotificationOut:
    return NotificationOut.model_validate(notification, from_attributes=True)
