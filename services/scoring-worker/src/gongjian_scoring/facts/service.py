"""The facts read model (考核事实): fold the registry's events into project facts; a unit's completed investment.

`fold` returns the (unit, year) pairs whose facts it changed, so the caller can rescore exactly those.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import assert_never

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_scoring.facts.repository import InvestmentRepository, ProjectFactRepository, TargetsRepository
from gongjian_scoring.facts.schemas import UnitCompletedInvestment
from gongjian_scoring.models import AnnualTargets, ProjectFact
from gongjian_shared.clock import SHANGHAI
from gongjian_shared.events.projects import (
    AnnualTargetsSet,
    PlannedProjectUpdated,
    PrephaseProcedureUpdated,
    ProgressReported,
    ProjectCompleted,
    ProjectRegistered,
    ProjectRemovedFromPlan,
    ProjectStarted,
    ProjectUpdated,
)
from gongjian_shared.uow import UnitOfWork

UnitYear = tuple[uuid.UUID, int]

# The registry's events that change a project's facts.
FactEvent = (
    ProjectRegistered
    | ProjectUpdated
    | ProgressReported
    | ProjectStarted
    | ProjectCompleted
    | ProjectRemovedFromPlan
    | PrephaseProcedureUpdated
    | PlannedProjectUpdated
)


def business_date(at: datetime) -> date:
    return at.astimezone(SHANGHAI).date()


async def fold(uow: UnitOfWork, event: FactEvent, at: datetime) -> set[UnitYear]:
    """Fold one registry event, which occurred `at`, into its project's facts; returns the (unit, year)
    pairs whose facts it changed (two when a project moves to another unit or year)."""
    session = uow.session
    match event:
        case ProjectRegistered() | ProjectUpdated():
            return await _fold_plan_data(session, event, at)
        case ProgressReported():
            return await _fold_progress(session, event, at)
        case ProjectStarted():
            return await _fold_started(session, event, at)
        case ProjectCompleted():
            return await _fold_completed(session, event, at)
        case ProjectRemovedFromPlan():
            return await _fold_removed(session, event, at)
        case PrephaseProcedureUpdated():
            return await _fold_prephase(session, event, at)
        case PlannedProjectUpdated():
            return await _fold_planned(session, event, at)
        case _:
            assert_never(event)


async def fold_targets(uow: UnitOfWork, event: AnnualTargetsSet, at: datetime) -> bool:
    """`annual-targets-set`: the year's Annex 2 targets replace the ones kept (A16, A17). The registry keys
    the event by year, so each year's events arrive in the order it published them (on Kafka too), and the
    last one wins; `at` is kept for the record only (the seed and the API may not share a clock). Returns
    whether the targets changed (then every unit of the year is rescored)."""
    repository = TargetsRepository(uow.session)
    targets = {
        str(row.unit_id): {
            "key_projects": row.key_projects,
            "prephase_projects": row.prephase_projects,
            "planned_projects": row.planned_projects,
        }
        for row in event.targets
    }
    kept = await repository.get_for_update(event.year)
    if kept is None:
        repository.add(AnnualTargets(year=event.year, targets=targets, set_at=at))
    elif kept.targets == targets:
        return False
    else:
        kept.targets, kept.set_at = targets, at
    await repository.flush()
    return True


async def unit_completed_investment(
    uow: UnitOfWork, unit_id: uuid.UUID, year: int
) -> UnitCompletedInvestment:
    """A unit's completed investment for the year, from the latest accepted month of each project."""
    completed, projects = await InvestmentRepository(uow.session).unit_completed(unit_id, year)
    return UnitCompletedInvestment(
        unit_id=unit_id, year=year, completed_10k=completed, projects_reported=projects
    )


async def _change_project_fact(
    session: AsyncSession,
    project_id: uuid.UUID,
    unit_id: uuid.UUID,
    year: int,
    days: Sequence[date | None],
    change: Callable[[ProjectFact], None],
) -> set[UnitYear]:
    """Apply `change` to a project's facts (creating them if this is the first event seen of it)."""
    repository = ProjectFactRepository(session)
    day = max(d for d in days if d is not None)
    fact = await repository.get_for_update(project_id)
    touched: set[UnitYear] = set()
    if fact is None:
        fact = ProjectFact(
            project_id=project_id, unit_id=unit_id, year=year, fact_date=day, provincial_key=False
        )
        repository.add(fact)
    else:
        touched.add((fact.unit_id, fact.year))
        fact.fact_date = max(fact.fact_date, day)
    change(fact)
    touched.add((fact.unit_id, fact.year))
    await repository.flush()
    return touched


async def _fold_plan_data(
    session: AsyncSession, event: ProjectRegistered | ProjectUpdated, at: datetime
) -> set[UnitYear]:
    """`project-registered` / `project-updated`: the plan data; a move to another unit or year rescores both."""

    def change(fact: ProjectFact) -> None:
        if fact.plan_data_at is not None and fact.plan_data_at > at:
            return
        fact.unit_id, fact.year, fact.kind = event.unit_id, event.year, event.kind
        fact.code, fact.name, fact.plan_category = event.code, event.name, event.plan_category
        fact.total_investment_10k = event.total_investment_10k
        fact.planned_investment_10k = event.planned_investment_10k
        fact.planned_completion = event.planned_completion
        fact.provincial_key = event.provincial_key
        fact.plan_data_at = at

    return await _change_project_fact(
        session, event.project_id, event.unit_id, event.year, [business_date(at)], change
    )


async def _fold_progress(session: AsyncSession, event: ProgressReported, at: datetime) -> set[UnitYear]:
    """`progress-reported`: the year's completed investment, as of the latest accepted month."""
    await InvestmentRepository(session).record(
        project_id=event.project_id,
        unit_id=event.unit_id,
        year=event.year,
        month=event.month,
        year_to_date_10k=event.year_to_date_10k,
        cumulative_10k=event.cumulative_10k,
    )
    return await _change_project_fact(
        session, event.project_id, event.unit_id, event.year, [business_date(at)], lambda _: None
    )


async def _fold_started(session: AsyncSession, event: ProjectStarted, at: datetime) -> set[UnitYear]:
    """`project-started`: the recognised start date (开工认定)."""

    def change(fact: ProjectFact) -> None:
        fact.started_on = event.started_on

    days = [business_date(at), event.started_on, event.recognised_on]
    return await _change_project_fact(session, event.project_id, event.unit_id, event.year, days, change)


async def _fold_completed(session: AsyncSession, event: ProjectCompleted, at: datetime) -> set[UnitYear]:
    """`project-completed`: the recognised completion date (竣工认定)."""

    def change(fact: ProjectFact) -> None:
        fact.completed_on = event.completed_on

    days = [business_date(at), event.completed_on, event.recognised_on]
    return await _change_project_fact(session, event.project_id, event.unit_id, event.year, days, change)


async def _fold_removed(session: AsyncSession, event: ProjectRemovedFromPlan, at: datetime) -> set[UnitYear]:
    """`project-removed-from-plan`: A8, the project leaves the assessment from this date."""

    def change(fact: ProjectFact) -> None:
        fact.removed_on = event.removed_on

    days = [business_date(at), event.removed_on]
    return await _change_project_fact(session, event.project_id, event.unit_id, event.year, days, change)


async def _fold_prephase(
    session: AsyncSession, event: PrephaseProcedureUpdated, at: datetime
) -> set[UnitYear]:
    """`prephase-procedure-updated`: whether the project's pre-phase task for the year is done."""

    def change(fact: ProjectFact) -> None:
        if fact.prephase_at is None or fact.prephase_at <= at:
            fact.prephase_done, fact.prephase_at = event.prephase_done, at

    days = [business_date(at), event.actual_date]
    return await _change_project_fact(session, event.project_id, event.unit_id, event.year, days, change)


async def _fold_planned(session: AsyncSession, event: PlannedProjectUpdated, at: datetime) -> set[UnitYear]:
    """`planned-project-updated`: a planned project's size, depth, filing and promotion (策划包装)."""

    def change(fact: ProjectFact) -> None:
        if fact.planned_at is not None and fact.planned_at > at:
            return
        fact.total_investment_10k = event.total_investment_10k
        fact.depth = event.depth
        fact.in_prephase_plan_and_filed = event.in_prephase_plan_and_filed
        fact.proposed_for_next_year = event.proposed_for_next_year
        fact.planned_at = at

    return await _change_project_fact(
        session, event.project_id, event.unit_id, event.year, [business_date(at)], change
    )


def ahead_of_schedule(planned: Decimal, year_to_date: Decimal | None, month: int | None) -> bool:
    """Ahead of the time-schedule benchmark (超过序时进度; 序时进度 = month/12 of the annual plan) at the last
    report: strictly greater, since the notice says 超过 (A18); exactly on the benchmark is not ahead."""
    if month is None or year_to_date is None or planned <= 0:
        return False
    return year_to_date * 12 > planned * month
