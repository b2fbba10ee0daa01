"""Events that build the facts read model; each handler passes the (unit, year) pairs it changed on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_scoring.facts import service
from gongjian_scoring.facts.service import UnitYear
from gongjian_scoring.models import UNIT_REPLICA
from gongjian_scoring.scores.service import scorer_in
from gongjian_shared.bus.consumer import Event, Handlers
from gongjian_shared.events.envelope import EventPayload
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
from gongjian_shared.replica import replicate_unit
from gongjian_shared.uow import UnitOfWork

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


async def on_fact_event(uow: UnitOfWork, event: Event[EventPayload]) -> None:
    """Fold the event into the facts, then rescore the (unit, year) pairs it changed."""
    touched = await FOLDS[type(event.payload)](uow.session, event.payload, event.occurred_at)
    await scorer_in(uow).on_facts_changed(uow.session, touched)


async def on_unit_updated(uow: UnitOfWork, event: Event[UnitUpdated]) -> None:
    """Keep the unit replica, then rescore the unit wherever a rule set of its kind scores it."""
    await replicate_unit(uow.session, UNIT_REPLICA, event)
    await scorer_in(uow).on_unit_changed(uow.session, event.payload)


HANDLERS: Handlers = {**dict.fromkeys(FOLDS, on_fact_event), UnitUpdated: on_unit_updated}
