"""Consumers of the deadline and workflow events: each becomes notifications in the consumer's transaction.

A template error holds the notification and tells the office; it never raises, so the consumer moves on.
"""

from __future__ import annotations

import gongjian_notifier.notifications.plans_meetings
import gongjian_notifier.notifications.plans_projects  # noqa: F401  (planners register on import)
from gongjian_notifier.notifications.catalogue import event_types
from gongjian_notifier.runtime import NotifierUnitOfWork
from gongjian_shared.bus.consumer import Event, Handlers
from gongjian_shared.events.envelope import EventPayload
from gongjian_shared.events.registry import contracts


async def on_notifiable_event(uow: NotifierUnitOfWork, event: Event[EventPayload]) -> None:
    await uow.notifier.notifications_in(uow).notify_event(event.envelope)


def notifiable() -> Handlers:
    wanted = set(event_types())
    return {payload: on_notifiable_event for (name, _), payload in contracts().items() if name in wanted}
