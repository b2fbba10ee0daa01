"""Escalation (逐级提醒), the notifier's deadline: a notification that needs acknowledgement and has none after
its delay goes to the next level; each is claimed FOR UPDATE SKIP LOCKED and stamped, so it climbs once."""

from __future__ import annotations

from typing import cast

from gongjian_notifier.notifications.catalogue import Audience
from gongjian_notifier.notifications.service import OFFICE_LEVEL, Draft, NotificationService
from gongjian_notifier.settings import Urgency


async def escalate_due(service: NotificationService, limit: int = 100) -> int:
    """Unacknowledged past the delay: tell the next level (heads and assigned leaders, then the office)."""
    now = service.clock.now()
    max_level = service.settings.escalation.max_level
    escalated = 0
    for notification in await service.repository.claim_escalations(now, max_level, limit):
        root = notification
        if notification.level > 0:
            root = await service.repository.get(notification.root_id) or notification
        unit = await service.directory.unit(notification.unit_id) if notification.unit_id else None
        audience = Audience(
            unit_id=notification.unit_id,
            unit_name=notification.unit_name,
            leader_ids=tuple(notification.leader_ids),
        )
        level = notification.level + 1
        resolution = await service.resolver.resolve(audience, unit, level)
        unknown = list(resolution.unknown)
        if not resolution.recipients and level < OFFICE_LEVEL:
            level = OFFICE_LEVEL
            resolution = await service.resolver.resolve(audience, unit, level)
        await service.write(
            Draft(
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
                office=level >= OFFICE_LEVEL,
                level=level,
                root_id=notification.root_id,
                parent_id=notification.id,
                leader_ids=notification.leader_ids,
                context={
                    "original_title": root.title,
                    "original_body": root.body,
                    "sent_at": root.release_at,
                    "due_at": notification.ack_due_at,
                    "audience_name": service.settings.office.name if level >= OFFICE_LEVEL else "单位负责人",
                },
            ),
            resolution.recipients,
        )
        if unknown:
            await service.tell_office(
                "unknown-recipient",
                f"{notification.root_id}:unknown:{level}",
                None,
                "normal",
                {
                    "unknown": unknown,
                    "event_type": notification.event_type,
                    "event_id": notification.event_id,
                },
                event_id=notification.event_id,
            )
        await service.repository.mark_escalated(notification.id, now)
        escalated += 1
    return escalated
