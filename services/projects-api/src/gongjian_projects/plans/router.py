from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import Path, Response, UploadFile, status

from gongjian_projects.deps import CurrentPrincipal, CurrentScope, OfficeOnly, UnitOfWorkDep
from gongjian_projects.http import IDEMPOTENT, IdempotentRoute
from gongjian_projects.plans import entries, service, targets
from gongjian_projects.plans.schemas import (
    CarryOverCandidate,
    CarryOverOut,
    CarryOverRequest,
    PlanOut,
    PlanView,
    PlanViewName,
    RemovalRequest,
)
from gongjian_projects.projects import service as projects
from gongjian_projects.projects.schemas import ProjectOut
from gongjian_projects.xlsx import XLSX_MEDIA_TYPE
from gongjian_shared.errors import Forbidden, problem_responses
from gongjian_shared.routing import ServiceRouter

router = ServiceRouter(prefix="/api/v1/plans", tags=["plans"], route_class=IdempotentRoute)

Year = Annotated[int, Path(ge=2000, le=2100)]


@router.post(
    "/{year}/publish",
    response_model=PlanOut,
    responses=problem_responses(401, 403, 409, 422),
    dependencies=[IDEMPOTENT],
)
async def publish_plan(year: Year, uow: UnitOfWorkDep, principal: OfficeOnly) -> PlanOut:
    """Publish the year's key-project plan (下达年度计划); it becomes the baseline kept beside adjustments."""
    plan = await service.publish(uow, year, principal.user_id)
    return PlanOut(year=plan.year, published_at=plan.published_at)


@router.get("/{year}/key-projects", response_model=PlanView, responses=problem_responses(401, 403, 422))
async def plan_view(
    year: Year, uow: UnitOfWorkDep, scope: CurrentScope, view: PlanViewName = "adjusted"
) -> PlanView:
    """The plan as published (`baseline`) or as adjusted (`adjusted`), with totals per unit (年度计划)."""
    if not scope.read_all:
        raise Forbidden("The whole plan is for the office and conveners.")
    return await service.plan_view(uow, year, view)


@router.post(
    "/{year}/removals/{project_id}",
    response_model=ProjectOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[IDEMPOTENT],
)
async def remove_from_plan(
    year: Year, project_id: uuid.UUID, body: RemovalRequest, uow: UnitOfWorkDep, scope: CurrentScope
) -> ProjectOut:
    """Take a project off the year's plan (调出计划); emits `project-removed-from-plan`."""
    project = await service.remove_from_plan(uow, scope, year, project_id, body)
    return projects.to_out(await projects.visible_project(uow, scope, project.id))


@router.post(
    "/{year}/entries",
    response_model=CarryOverOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[IDEMPOTENT],
)
async def carry_over(
    year: Year, body: CarryOverRequest, uow: UnitOfWorkDep, principal: OfficeOnly
) -> CarryOverOut:
    """Carry last year's entries into the year's plan (年度计划结转), all or none: continuing and completion key
    projects enter under construction, planned projects proposed for next year enter as new starts; each new
    entry emits `project-registered`. A refused item is named (`entries[3].from_project_id`): 404 an unknown
    entry, 409 one that may not carry over (completed, removed, not started, of another year, already in the
    year, another kind), 422 a category or monthly plan that does not fit."""
    created = await entries.carry_over_entries(uow, principal, year, body)
    return CarryOverOut(year=year, entries=[projects.to_out(entry) for entry in created])


@router.get(
    "/{year}/entries/candidates",
    response_model=list[CarryOverCandidate],
    responses=problem_responses(401, 403, 422),
)
async def carry_over_candidates(year: Year, uow: UnitOfWorkDep, _: OfficeOnly) -> list[CarryOverCandidate]:
    """Last year's entries that may be carried into the year (结转候选), each with its suggested category:
    completion when its planned completion falls within the year, else continuing; planned projects proposed
    for next year as new starts."""
    return await entries.candidates(uow, year)


XLSX: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "JSON, or xlsx."}
}


@router.get(
    "/{year}/targets", response_model=list[targets.TargetOut], responses=problem_responses(401, 422) | XLSX
)
async def get_targets(
    year: Year, uow: UnitOfWorkDep, _: CurrentPrincipal, format: Literal["json", "xlsx"] = "json"
) -> list[targets.TargetOut] | Response:
    """The year's targets per unit (年度目标任务), as JSON or as xlsx in the Annex 2 layout (附件2)."""
    rows = await targets.targets_of(uow, year)
    if format == "xlsx":
        return Response(
            content=targets.export(rows),
            media_type=XLSX_MEDIA_TYPE,
            headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(f'{year}年任务分解表.xlsx')}"
            },
        )
    return rows


@router.post(
    "/{year}/targets/import",
    response_model=list[targets.TargetOut],
    responses=problem_responses(401, 403, 422),
    dependencies=[IDEMPOTENT],
)
async def import_targets(
    year: Year, file: UploadFile, uow: UnitOfWorkDep, _: OfficeOnly
) -> list[targets.TargetOut]:
    """Replace the year's targets from an xlsx in the Annex 2 layout (导入任务分解表); all or nothing: a bad
    cell is named (sheet!cell) and nothing changes."""
    return await targets.import_targets(uow, year, await file.read())
