"""`unit-updated`: keep the replica, and a body for the city and for every county and zone."""

from __future__ import annotations

from gongjian_meetings.bodies.service import ensure_bodies_for
from gongjian_meetings.models import UNIT_REPLICA
from gongjian_shared.bus.consumer import Event
from gongjian_shared.events.projects import UnitUpdated
from gongjian_shared.replica import replicate_unit
from gongjian_shared.uow import UnitOfWork


async def on_unit_updated(uow: UnitOfWork, event: Event[UnitUpdated]) -> None:
    await replicate_unit(uow.session, UNIT_REPLICA, event)
    unit = event.payload
    await ensure_bodies_for(uow, unit.unit_id, unit.kind, unit.name)
