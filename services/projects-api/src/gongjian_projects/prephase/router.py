from __future__ import annotations

import uuid

from gongjian_projects.deps import CurrentScope, UnitOfWorkDep, WritingUnitOfWorkDep
from gongjian_projects.http import IdempotentRoute
from gongjian_projects.prephase import service
from gongjian_projects.prephase.schemas import PrephaseOut, Procedure, ProcedureUpdate
from gongjian_shared.errors import problem_responses
from gongjian_shared.routing import ServiceRouter

router = ServiceRouter(prefix="/api/v1/projects", tags=["prephase"], route_class=IdempotentRoute)


@router.get(
    "/{project_id}/prephase-procedures",
    response_model=PrephaseOut,
    responses=problem_responses(401, 404, 422),
)
async def list_procedures(
    project_id: uuid.UUID, uow: WritingUnitOfWorkDep, scope: CurrentScope
) -> PrephaseOut:
    """A project's eight pre-phase procedures and whether the year's task is done (前期手续); the first read
    creates their rows, so it runs in a transaction like a write."""
    return await service.procedures_of(uow, scope, project_id)


@router.put(
    "/{project_id}/prephase-procedures/{procedure}",
    response_model=PrephaseOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def update_procedure(
    project_id: uuid.UUID,
    procedure: Procedure,
    body: ProcedureUpdate,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
) -> PrephaseOut:
    """Set one procedure's status, dates, authority and document number; emits `prephase-procedure-updated`."""
    return await service.update_procedure(uow, scope, project_id, procedure, body)
