"""The push adapter's consumer of the registry's own events: each change becomes a delivery row."""

from __future__ import annotations

from typing import Any

from gongjian_projects.exchange.repository import PushRepository
from gongjian_projects.exchange.service import CHANGE_PAYLOADS
from gongjian_shared.bus.consumer import Event, Handlers
from gongjian_shared.uow import UnitOfWork


async def on_change(uow: UnitOfWork, event: Event[Any]) -> None:
    envelope = event.envelope
    await PushRepository(uow.session).enqueue(
        envelope.event_id, envelope.type, envelope.key, envelope.model_dump(mode="json"), uow.clock.now()
    )


# consumer group `projects-api.push`, present only when the push adapter is configured (app.py)
PUSH_HANDLERS: Handlers = dict.fromkeys(CHANGE_PAYLOADS, on_change)
