from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, status
from gongjian_shared.auth import CurrentPrincipal
from gongjian_shared.db import SessionDep
from gongjian_shared.errors import problem_responses

from gongjian_projects.projects import service
from gongjian_projects.projects.errors import ProjectNotFound
from gongjian_projects.projects.repository import ProjectRepository
from gongjian_projects.projects.schemas import ProjectCreate, ProjectOut, ProjectPage

router = APIRouter(prefix="/api/v1/projects", tags=["projects"])


@router.post(
    "",
    response_model=ProjectOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def register_project(
    request: Request, body: ProjectCreate, session: SessionDep, principal: CurrentPrincipal
) -> ProjectOut:
    """Register a project on the year's plan (项目入库); emits `project-registered`."""
    project = await service.register_project(session, request.app.state.outbox, principal, body)
    return service.to_out(project)


@router.get("", response_model=ProjectPage, responses=problem_responses(401, 422))
async def list_projects(
    session: SessionDep,
    principal: CurrentPrincipal,
    year: int | None = None,
    kind: Literal["key", "prephase", "planned", "attraction"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ProjectPage:
    """Projects the caller may see (项目列表)."""
    unit_ids = None if principal.is_office else ([principal.unit_id] if principal.unit_id else [])
    projects, total = await ProjectRepository(session).list(
        unit_ids=unit_ids, year=year, kind=kind, limit=limit, offset=offset
    )
    return ProjectPage(items=[service.to_out(p) for p in projects], total=total)


@router.get("/{project_id}", response_model=ProjectOut, responses=problem_responses(401, 404, 422))
async def get_project(project_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> ProjectOut:
    """One project (项目详情)."""
    project = await ProjectRepository(session).get(project_id)
    if project is None:
        raise ProjectNotFound(f"No project {project_id}.")
    service.ensure_may_read(principal, project)
    return service.to_out(project)
