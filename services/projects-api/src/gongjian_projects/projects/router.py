from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request, Response, status

from gongjian_projects.access import scope_for
from gongjian_projects.http import IDEMPOTENT, IdempotentRoute, etag
from gongjian_projects.projects import handover, service
from gongjian_projects.projects.repository import ProjectFilter, ProjectRepository
from gongjian_projects.projects.schemas import (
    HandoverRequest,
    PlanCategory,
    ProjectCreate,
    ProjectKind,
    ProjectOut,
    ProjectPage,
    ProjectSort,
    ProjectStatus,
    ProjectUpdate,
    StatusChangeOut,
)
from gongjian_shared.auth import CurrentPrincipal
from gongjian_shared.db import SessionDep
from gongjian_shared.errors import problem_responses

router = APIRouter(prefix="/api/v1/projects", tags=["projects"], route_class=IdempotentRoute)

IfMatch = Annotated[str | None, Header(alias="If-Match", description="The ETag you read (乐观锁).")]


@router.post(
    "",
    response_model=ProjectOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[IDEMPOTENT],
)
async def register_project(
    request: Request,
    response: Response,
    body: ProjectCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ProjectOut:
    """Register a project on the year's plan (项目入库); emits `project-registered`.

    Status, recognised dates and the revision belong to the server; a reporter registers only for its unit.
    """
    state = request.app.state
    scope = await scope_for(session, principal)
    project = await service.register_project(session, state.outbox, state.clock, scope, body)
    response.headers["ETag"] = etag(project.revision)
    response.headers["Location"] = f"{router.prefix}/{project.id}"
    return service.to_out(project)


@router.get("", response_model=ProjectPage, responses=problem_responses(401, 422))
async def list_projects(
    session: SessionDep,
    principal: CurrentPrincipal,
    year: int | None = None,
    kind: ProjectKind | None = None,
    unit_id: Annotated[list[uuid.UUID] | None, Query(description="One or more units.")] = None,
    plan_category: PlanCategory | None = None,
    status: ProjectStatus | None = None,
    leader_id: uuid.UUID | None = None,
    warning_colour: Literal["green", "yellow", "red"] | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100, description="Search name and code.")] = None,
    sort: ProjectSort | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ProjectPage:
    """Projects the caller may see (项目列表), filtered, searched, sorted and paged, with the total."""
    scope = await scope_for(session, principal)
    where = ProjectFilter(
        visible_unit_ids=None if scope.read_all else scope.unit_ids,
        visible_leader_ids=scope.leader_ids,
        year=year,
        kind=kind,
        unit_ids=tuple(unit_id or ()),
        plan_category=plan_category,
        status=status,
        leader_id=leader_id,
        warning_colour=warning_colour,
        search=q,
    )
    projects, total = await ProjectRepository(session).page(where, sort=sort, limit=limit, offset=offset)
    return ProjectPage(items=[service.to_out(p) for p in projects], total=total, limit=limit, offset=offset)


@router.get("/{project_id}", response_model=ProjectOut, responses=problem_responses(401, 404, 422))
async def get_project(
    project_id: uuid.UUID, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> ProjectOut:
    """One project (项目详情), with its ETag for a later `If-Match`."""
    project = await service.visible_project(session, await scope_for(session, principal), project_id)
    response.headers["ETag"] = etag(project.revision)
    return service.to_out(project)


@router.patch(
    "/{project_id}", response_model=ProjectOut, responses=problem_responses(401, 403, 404, 409, 412, 422, 428)
)
async def update_project(
    request: Request,
    response: Response,
    project_id: uuid.UUID,
    body: ProjectUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    if_match: IfMatch = None,
) -> ProjectOut:
    """Change a project's plan data (项目信息修改); needs `If-Match`, 412 on a stale copy; emits `project-updated`."""
    state = request.app.state
    scope = await scope_for(session, principal)
    project = await service.update_project(
        session, state.outbox, state.clock, scope, project_id, if_match, body
    )
    response.headers["ETag"] = etag(project.revision)
    return service.to_out(project)


@router.get(
    "/{project_id}/status-history",
    response_model=list[StatusChangeOut],
    responses=problem_responses(401, 404, 422),
)
async def status_history(
    project_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> list[StatusChangeOut]:
    """Every status a project went through, with who and why (状态变更记录)."""
    project = await service.visible_project(session, await scope_for(session, principal), project_id)
    changes = await ProjectRepository(session).status_history(project.id)
    return [StatusChangeOut.model_validate(change, from_attributes=True) for change in changes]


@router.post(
    "/{project_id}/handover",
    response_model=ProjectOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[IDEMPOTENT],
)
async def hand_over(
    request: Request,
    project_id: uuid.UUID,
    body: HandoverRequest,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ProjectOut:
    """Hand an attraction project over to a key project (招商项目转重点项目), linking or creating it; the
    created key project emits `project-registered`, the attraction `project-updated`."""
    state = request.app.state
    scope = await scope_for(session, principal)
    key = await handover.hand_over(session, state.outbox, state.clock, scope, project_id, body)
    project = await service.visible_project(session, scope, key.id)
    return service.to_out(project)
