"""Events that build the facts read model; each handler passes the (unit, year) pairs it changed on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_scoring.facts import service
from gongjian_scoring.facts.service import UnitYear
from gongjian_scoring.models import UNIT_REPLICA
from gongjian_shared.bus.consumer import Handler
from gongjian_shared.events.envelope import EventEnvelope, EventPayload
from gongjian_shared.events.projects import (
    PlannedProjectUpdated,
    PrephaseProcedureUpdated,
    ProgressReported,
    ProjectCompleted,
    ProjectRegistered,
    ProjectRemovedFromPlan,
    ProjectStarted,
    ProjectUpdated,
    UnitUpdated,
)
from gongjian_shared.replica import unit_updated_handler

# What to do once facts changed: rescore these units for these years.
OnFactsChanged = Callable[[AsyncSession, set[UnitYear]], Awaitable[None]]
# What to do once a unit's name or kind changed: rescore it wherever a rule set scores it.
OnUnitChanged = Callable[[AsyncSession, UnitUpdated], Awaitable[None]]

Fold = Callable[[AsyncSession, Any, datetime], Awaitable[set[UnitYear]]]

FOLDS: dict[type[EventPayload], Fold] = {
    ProjectRegistered: service.fold_plan_data,
    ProjectUpdated: service.fold_plan_data,
    ProgressReported: service.fold_progress,
    ProjectStarted: service.fold_started,
    ProjectCompleted: service.fold_completed,
    ProjectRemovedFromPlan: service.fold_removed,
    PrephaseProcedureUpdated: service.fold_prephase,
    PlannedProjectUpdated: service.fold_planned,
}


async def _nothing(*_: object) -> None:
    return None


def handlers(
    on_facts_changed: OnFactsChanged = _nothing, on_unit_changed: OnUnitChanged = _nothing
) -> Mapping[str, Handler]:
    def fold_handler(payload_type: type[EventPayload], fold: Fold) -> Handler:
        async def handle(session: AsyncSession, envelope: EventEnvelope) -> None:
            event = payload_type.model_validate(envelope.payload)
            touched = await fold(session, event, envelope.occurred_at)
            await on_facts_changed(session, touched)

        return handle

    replicate = unit_updated_handler(UNIT_REPLICA)

    async def on_unit_updated(session: AsyncSession, envelope: EventEnvelope) -> None:
        await replicate(session, envelope)
        event = UnitUpdated.model_validate(envelope.payload)
        await on_unit_changed(session, event)

    table: dict[str, Handler] = {t.event_type: fold_handler(t, fold) for t, fold in FOLDS.items()}
    table[UnitUpdated.event_type] = on_unit_updated
    return table
