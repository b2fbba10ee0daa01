"""Consumed events: the joint meeting closing a resolution closes the ledger obstacles it took up (or, closed as
cannot be completed, hands them back to their units)."""

from __future__ import annotations

from gongjian_projects.ledger import service
from gongjian_shared.bus.consumer import Event
from gongjian_shared.clock import SHANGHAI
from gongjian_shared.events.meetings import ResolutionClosed
from gongjian_shared.uow import UnitOfWork


async def on_resolution_closed(uow: UnitOfWork, event: Event[ResolutionClosed]) -> None:
    resolution = event.payload
    if resolution.obstacle_ids:
        closed_on = resolution.closed_at.astimezone(SHANGHAI).date()
        await service.close_by_resolution(
            uow,
            service.ResolutionRef(resolution.resolution_id, resolution.number),
            resolution.obstacle_ids,
            closed_on,
            resolution.outcome,
        )
