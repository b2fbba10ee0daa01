from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Body, Query, status

from gongjian_projects.deps import CurrentScope, UnitOfWorkDep
from gongjian_projects.http import IDEMPOTENT, IdempotentRoute
from gongjian_projects.recognitions import queue, service
from gongjian_projects.recognitions.schemas import (
    QueueStatus,
    RecogniseRequest,
    RecognitionApply,
    RecognitionKind,
    RecognitionOut,
    RecognitionQueuePage,
    RejectRequest,
)
from gongjian_shared.errors import problem_responses
from gongjian_shared.pagination import PagingDep
from gongjian_shared.routing import ServiceRouter
from gongjian_shared.types import Year

router = ServiceRouter(prefix="/api/v1/projects", tags=["recognitions"], route_class=IdempotentRoute)
queue_router = ServiceRouter(prefix="/api/v1/recognitions", tags=["recognitions"])

WRITE_PROBLEMS = problem_responses(401, 403, 404, 409, 422)


@router.post(
    "/{project_id}/recognitions",
    response_model=RecognitionOut,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_PROBLEMS,
    dependencies=[IDEMPOTENT],
)
async def apply_for_recognition(
    project_id: uuid.UUID, body: RecognitionApply, uow: UnitOfWorkDep, scope: CurrentScope
) -> RecognitionOut:
    """Apply for start or completion recognition with the date and a description (申请开工/竣工认定); upload
    the evidence files to `.../recognitions/{recognition_id}/evidence` afterwards."""
    return await service.apply(uow, scope, project_id, body)


@router.get(
    "/{project_id}/recognitions",
    response_model=list[RecognitionOut],
    responses=problem_responses(401, 404, 422),
)
async def list_recognitions(
    project_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope
) -> list[RecognitionOut]:
    """A project's applications and decisions (认定记录)."""
    return await service.recognitions_of(uow, scope, project_id)


@router.post(
    "/{project_id}/recognitions/{recognition_id}/recognise",
    response_model=RecognitionOut,
    responses=WRITE_PROBLEMS,
    dependencies=[IDEMPOTENT],
)
async def recognise(
    project_id: uuid.UUID,
    recognition_id: uuid.UUID,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    body: Annotated[RecogniseRequest | None, Body()] = None,
) -> RecognitionOut:
    """The office recognises the start or completion (认定); emits `project-started` or `project-completed`.
    A completion needs the year's planned investment completed (完成计划投资), or the office's written
    judgement on the evidence in `office_judgement`, which needs at least one evidence file uploaded to the
    application; otherwise 409. The decision records the files attached now (`decision_evidence`)."""
    judgement = body.office_judgement if body else None
    return await service.recognise(uow, scope, project_id, recognition_id, judgement)


@router.post(
    "/{project_id}/recognitions/{recognition_id}/reject",
    response_model=RecognitionOut,
    responses=WRITE_PROBLEMS,
    dependencies=[IDEMPOTENT],
)
async def reject(
    project_id: uuid.UUID,
    recognition_id: uuid.UUID,
    body: RejectRequest,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
) -> RecognitionOut:
    """The office rejects an application, with the reason (不予认定)."""
    return await service.reject(uow, scope, project_id, recognition_id, body.reason)


@queue_router.get("", response_model=RecognitionQueuePage, responses=problem_responses(401, 403, 422))
async def recognition_queue(
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    paging: PagingDep,
    status: QueueStatus | None = None,
    kind: RecognitionKind | None = None,
    unit_id: Annotated[list[uuid.UUID] | None, Query(description="One or more units.")] = None,
    year: Annotated[Year | None, Query()] = None,
) -> RecognitionQueuePage:
    """Start and completion applications across projects (认定待办), oldest first: `status=pending` is the
    office's queue of applications waiting for a decision. The office sees every unit, a county or department
    reviewer the units under it, a unit its own; naming another unit's `unit_id` answers 403."""
    return await queue.queue_page(
        uow, scope, status=status, kind=kind, unit_ids=unit_id or (), year=year, paging=paging
    )
