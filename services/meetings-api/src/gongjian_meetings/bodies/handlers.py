"""`unit-updated`: keep the replica, and a body for the city and for every county and zone."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_meetings.bodies.service import ensure_bodies_for
from gongjian_meetings.models import UNIT_REPLICA
from gongjian_shared.bus.consumer import Handler
from gongjian_shared.events.envelope import EventEnvelope
from gongjian_shared.events.projects import UnitUpdated
from gongjian_shared.replica import unit_updated_handler

_update_replica = unit_updated_handler(UNIT_REPLICA)


async def on_unit_updated(session: AsyncSession, envelope: EventEnvelope) -> None:
    await _update_replica(session, envelope)
    event = UnitUpdated.model_validate(envelope.payload)
    await ensure_bodies_for(session, event.unit_id, event.kind, event.name)


HANDLERS: dict[str, Handler] = {UnitUpdated.event_type: on_unit_updated}
