from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from gongjian_projects.access import scope_for
from gongjian_projects.http import IdempotentRoute
from gongjian_projects.prephase import service
from gongjian_projects.prephase.schemas import PrephaseOut, Procedure, ProcedureUpdate
from gongjian_shared.auth import CurrentPrincipal
from gongjian_shared.db import SessionDep
from gongjian_shared.errors import problem_responses

router = APIRouter(prefix="/api/v1/projects", tags=["prephase"], route_class=IdempotentRoute)


@router.get(
    "/{project_id}/prephase-procedures",
    response_model=PrephaseOut,
    responses=problem_responses(401, 404, 422),
)
async def list_procedures(
    project_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> PrephaseOut:
    """A project's eight pre-phase procedures and whether the year's task is done (前期手续)."""
    return await service.procedures_of(session, await scope_for(session, principal), project_id)


@router.put(
    "/{project_id}/prephase-procedures/{procedure}",
    response_model=PrephaseOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def update_procedure(
    request: Request,
    project_id: uuid.UUID,
    procedure: Procedure,
    body: ProcedureUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> PrephaseOut:
    """Set one procedure's status, dates, authority and document number; emits `prephase-procedure-updated`."""
    state = request.app.state
    scope = await scope_for(session, principal)
    return await service.update_procedure(
        session, state.outbox, state.clock, scope, project_id, procedure, body
    )
