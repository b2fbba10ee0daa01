"""Escalation (逐级提醒), the notifier's deadline: a notification that needs acknowledgement and has none after
its delay goes to the next level; each is claimed FOR UPDATE SKIP LOCKED and stamped, so it climbs once."""

from __future__ import annotations

from typing import cast

from gongjian_notifier.directory.repository import DirectoryRepository, DirectoryUnit
from gongjian_notifier.models import Notification
from gongjian_notifier.notifications.audiences import Audience
from gongjian_notifier.notifications.drafts import OFFICE_LEVEL, Draft, tell_office, write_notification
from gongjian_notifier.notifications.recipients import Recipient, RecipientResolver
from gongjian_notifier.notifications.repository import NotificationRepository
from gongjian_notifier.runtime import NotifierUnitOfWork
from gongjian_notifier.settings import NotifierSettings, Urgency


async def escalate_due(uow: NotifierUnitOfWork, limit: int = 100) -> int:
    """Unacknowledged past the delay: tell the next level (heads and assigned leaders, then the office)."""
    now = uow.clock.now()
    repository = NotificationRepository(uow.session)
    resolver = RecipientResolver(uow.session, uow.notifier.settings)
    due = await repository.claim_escalations(now, uow.notifier.settings.escalation.max_level, limit)
    for notification in due:
        await _escalate(uow, resolver, notification)
        await repository.mark_escalated(notification.id, now)
    return len(due)


async def _escalate(uow: NotifierUnitOfWork, resolver: RecipientResolver, notification: Notification) -> None:
    root = notification
    if notification.level > 0:
        root = await NotificationRepository(uow.session).get(notification.root_id) or notification
    unit_id = notification.unit_id
    unit = await DirectoryRepository(uow.session).unit(unit_id) if unit_id else None
    audience = Audience(
        unit_id=unit_id, unit_name=notification.unit_name, leader_ids=tuple(notification.leader_ids)
    )
    level, recipients, unknown = await _next_level(resolver, audience, unit, notification.level + 1)
    draft = _escalation_draft(uow.notifier.settings, notification, root, level)
    await write_notification(uow, resolver, draft, recipients)
    if unknown:
        await tell_office(
            uow,
            resolver,
            "unknown-recipient",
            f"{notification.root_id}:unknown:{level}",
            "normal",
            {"unknown": unknown, "event_type": notification.event_type, "event_id": notification.event_id},
            event_id=notification.event_id,
        )


async def _next_level(
    resolver: RecipientResolver, audience: Audience, unit: DirectoryUnit | None, level: int
) -> tuple[int, list[Recipient], list[str]]:
    """The level told and its people: the office when nobody at `level` can hear of it; and who is unknown."""
    resolution = await resolver.resolve(audience, unit, level)
    unknown = list(resolution.unknown)
    if not resolution.recipients and level < OFFICE_LEVEL:
        level = OFFICE_LEVEL
        resolution = await resolver.resolve(audience, unit, level)
    return level, resolution.recipients, unknown


def _escalation_draft(
    settings: NotifierSettings, notification: Notification, root: Notification, level: int
) -> Draft:
    """The next link of the chain: it repeats the first message (`root`) and needs acknowledging too."""
    to_office = level >= OFFICE_LEVEL
    return Draft(
        key=f"{notification.root_id}:escalation:{level}",
        event_id=notification.event_id,
        event_type=notification.event_type,
        template="escalation",
        link_path="",
        link=notification.link,
        urgency="normal" if notification.urgency == "low" else cast(Urgency, notification.urgency),
        needs_ack=True,
        unit_id=notification.unit_id,
        unit_name=notification.unit_name,
        office=to_office,
        level=level,
        root_id=notification.root_id,
        parent_id=notification.id,
        leader_ids=notification.leader_ids,
        context={
            "original_title": root.title,
            "original_body": root.body,
            "sent_at": root.release_at,
            "due_at": notification.ack_due_at,
            "audience_name": settings.office.name if to_office else "单位负责人",
        },
    )
