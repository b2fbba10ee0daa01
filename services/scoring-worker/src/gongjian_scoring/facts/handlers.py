"""The registry's events, folded into the facts read model and the live scores in the same transaction."""

from __future__ import annotations

from gongjian_scoring.facts import service as facts
from gongjian_scoring.models import UNIT_REPLICA
from gongjian_scoring.scores import service as scores
from gongjian_shared.bus.consumer import Event
from gongjian_shared.events.projects import AnnualTargetsSet, UnitUpdated
from gongjian_shared.replica import replicate_unit
from gongjian_shared.uow import UnitOfWork


async def on_fact_event(uow: UnitOfWork, event: Event[facts.FactEvent]) -> None:
    """Fold the event into its project's facts, then rescore each (unit, year) whose facts it changed."""
    touched = await facts.fold(uow, event.payload, event.occurred_at)
    for unit_id, year in sorted(touched, key=lambda pair: (str(pair[0]), pair[1])):
        await scores.rescore(uow, unit_id, year)


async def on_unit_updated(uow: UnitOfWork, event: Event[UnitUpdated]) -> None:
    """Keep the unit replica, then rescore the unit wherever a rule set of its kind scores it."""
    await replicate_unit(uow.session, UNIT_REPLICA, event)
    await scores.rescore_unit_everywhere(uow, event.payload)


async def on_targets_set(uow: UnitOfWork, event: Event[AnnualTargetsSet]) -> None:
    """Keep the year's Annex 2 targets; when they changed, rescore every unit of the year (a full recompute
    of the year's rule sets, which writes only what changed)."""
    if await facts.fold_targets(uow, event.payload, event.occurred_at):
        await scores.recompute(uow, year=event.payload.year)
