"""The year's plan and its adjustment (项目动态调整): published baseline, removals, mid-year additions."""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal

from gongjian_projects.access import Scope
from gongjian_projects.models import Plan, Project
from gongjian_projects.plans.errors import PlanPublished, RemovalConflict
from gongjian_projects.plans.repository import PlanRepository
from gongjian_projects.plans.schemas import PlanProject, PlanView, PlanViewName, RemovalRequest, UnitPlanTotal
from gongjian_projects.projects.errors import ProjectNotFound
from gongjian_projects.projects.repository import ProjectRepository
from gongjian_projects.projects.service import publish_project_changed, record_status, visible_project
from gongjian_shared.errors import Forbidden, RuleViolation, field_error
from gongjian_shared.events.projects import ProjectRemovedFromPlan
from gongjian_shared.uow import UnitOfWork


async def publish(uow: UnitOfWork, year: int, by: uuid.UUID) -> Plan:
    """Publish the year's plan: what is on it now is the baseline; later additions are mid-year ones."""
    session, clock = uow.session, uow.clock
    plans = PlanRepository(session)
    plan = await plans.get(year, for_update=True)
    if plan is not None and plan.published_at is not None:
        raise PlanPublished(f"The {year} plan was published at {plan.published_at.isoformat()}.")
    if plan is None:
        plan = Plan(year=year)
        plans.add(plan)
    plan.published_at, plan.published_by = clock.now(), by
    await session.flush()
    await plans.snapshot_baseline(year)
    return plan


def _ensure_in_plan_year(project: Project, command: RemovalRequest) -> None:
    if command.removed_on.year != project.year:
        raise RuleViolation(
            errors=[
                field_error(
                    "removed_on",
                    "plan-year",
                    "The date lies outside the plan's year",
                    "调出日期不在计划年度内",
                )
            ]
        )


async def remove_from_plan(
    uow: UnitOfWork, scope: Scope, year: int, project_id: uuid.UUID, command: RemovalRequest
) -> Project:
    session, clock = uow.session, uow.clock
    project = await visible_project(uow, scope, project_id, for_update=True)
    if not scope.principal.is_office:
        raise Forbidden(
            "Projects are taken off the plan by the office, with an approval (调出计划由办公室办理)."
        )
    if project.year != year:
        raise ProjectNotFound(f"Project {project_id} is not on the {year} plan.")
    if project.status not in ("planned", "started"):
        raise RemovalConflict(f"The project is {project.status}.", extra={"allowed": ["planned", "started"]})
    _ensure_in_plan_year(project, command)
    record_status(
        ProjectRepository(session),
        project,
        "removed",
        at=clock.now(),
        by=scope.principal.user_id,
        reason=command.reason,
    )
    project.removed_on, project.removal_reason = command.removed_on, command.reason
    project.removal_approved_by = command.approved_by
    project.revision += 1
    project.updated_at = clock.now()
    await session.flush()
    await publish_project_changed(
        uow,
        project,
        ProjectRemovedFromPlan(
            project_id=project.id,
            unit_id=project.unit_id,
            year=project.year,
            removed_on=command.removed_on,
            reason=command.reason,
            approved_by=command.approved_by,
        ),
    )
    return project


async def plan_view(uow: UnitOfWork, year: int, view: PlanViewName) -> PlanView:
    plans = PlanRepository(uow.session)
    plan = await plans.get(year)
    published = plan is not None and plan.published_at is not None
    baseline = view == "baseline" and published
    projects = await plans.key_projects(year, baseline=baseline)
    rows = [
        PlanProject(
            project_id=p.id,
            name=p.name,
            unit_id=p.unit_id,
            plan_category=p.plan_category,
            planned_investment_10k=(p.baseline_planned_investment_10k or Decimal(0))
            if baseline
            else p.planned_investment_10k,
            status=p.status,
            added_mid_year=p.added_mid_year,
            removed_on=p.removed_on,
            removal_reason=p.removal_reason,
        )
        for p in projects
    ]
    by_unit: defaultdict[uuid.UUID, list[Decimal]] = defaultdict(list)
    for row in rows:
        by_unit[row.unit_id].append(row.planned_investment_10k)
    return PlanView(
        year=year,
        view=view,
        published_at=plan.published_at if plan else None,
        projects=rows,
        units=[
            UnitPlanTotal(
                unit_id=unit_id, projects=len(amounts), planned_investment_10k=sum(amounts, Decimal(0))
            )
            for unit_id, amounts in by_unit.items()
        ],
        total_projects=len(rows),
        total_planned_investment_10k=sum((row.planned_investment_10k for row in rows), Decimal(0)),
    )
