"""Consumers of the deadline and workflow events: each becomes notifications in the consumer's transaction.

A template error holds the notification and tells the office; it never raises, so the consumer moves on.
"""

from __future__ import annotations

from gongjian_notifier.notifications import service
from gongjian_notifier.notifications.catalogue import PLANNERS
from gongjian_notifier.runtime import NotifierUnitOfWork
from gongjian_shared.bus.consumer import Event, Handlers
from gongjian_shared.events.envelope import EventPayload


async def on_notifiable_event(uow: NotifierUnitOfWork, event: Event[EventPayload]) -> None:
    await service.notify_event(uow, event)


# The `notifications` group's handlers: every payload class the catalogue has a planner for.
NOTIFICATION_HANDLERS: Handlers = dict.fromkeys(PLANNERS, on_notifiable_event)
