"""Consumers of the deadline and workflow events: each becomes notifications in the consumer's transaction.

A template error holds the notification and tells the office; it never raises, so the consumer moves on.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

import gongjian_notifier.notifications.plans_meetings
import gongjian_notifier.notifications.plans_projects  # noqa: F401  (planners register on import)
from gongjian_notifier.notifications.catalogue import event_types
from gongjian_notifier.runtime import notifier_runtime
from gongjian_shared.bus.consumer import Handler
from gongjian_shared.events.envelope import EventEnvelope
from gongjian_shared.service import ServiceContext


def handlers(context: ServiceContext) -> dict[str, Handler]:
    runtime = notifier_runtime(context)

    async def on_event(session: AsyncSession, envelope: EventEnvelope) -> None:
        await runtime.notifications(session).notify_event(envelope)

    return dict.fromkeys(event_types(), on_event)
