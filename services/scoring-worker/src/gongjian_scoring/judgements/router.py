from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Query, status

from gongjian_scoring.access import ensure_unit_visible
from gongjian_scoring.deps import CurrentScope
from gongjian_scoring.judgements import service
from gongjian_scoring.judgements.schemas import (
    JudgementCreate,
    JudgementOut,
    JudgementPage,
    JudgementWithdraw,
)
from gongjian_shared.auth import Principal, Role, require_roles
from gongjian_shared.deps import UnitOfWorkDep
from gongjian_shared.errors import problem_responses
from gongjian_shared.pagination import PagingDep
from gongjian_shared.routing import ServiceRouter
from gongjian_shared.types import QueryFlag

router = ServiceRouter(prefix="/api/v1/scoring", tags=["scoring"])

OfficeOnly = Annotated[Principal, require_roles(Role.OFFICE, Role.ADMIN)]


@router.post(
    "/units/{unit_id}/judgements",
    response_model=JudgementOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 422),
)
async def record_judgement(
    unit_id: uuid.UUID, body: JudgementCreate, uow: UnitOfWorkDep, principal: OfficeOnly
) -> JudgementOut:
    """Record a judgement of the office (录入考核认定) with its evidence: a media item, an inspection finding,
    a support failure, a mechanism check, a disqualifying incident, planning funds or the planning task.
    Office only; the unit's score is recomputed."""
    judgement = await service.record(uow, principal, unit_id, body)
    return service.to_out(judgement)


@router.get(
    "/units/{unit_id}/judgements",
    response_model=JudgementPage,
    responses=problem_responses(401, 404, 422),
)
async def list_judgements(
    unit_id: uuid.UUID,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    paging: PagingDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    include_withdrawn: QueryFlag = False,
) -> JudgementPage:
    """A unit's judgements (考核认定记录); a unit sees its own, another unit's answers 404."""
    ensure_unit_visible(scope, unit_id)
    judgements, total = await service.of_unit(
        uow, unit_id, year, include_withdrawn=include_withdrawn, paging=paging
    )
    return JudgementPage.of([service.to_out(j) for j in judgements], total, paging)


@router.post(
    "/judgements/{judgement_id}/withdraw",
    response_model=JudgementOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def withdraw_judgement(
    judgement_id: uuid.UUID,
    body: JudgementWithdraw,
    uow: UnitOfWorkDep,
    principal: OfficeOnly,
) -> JudgementOut:
    """Withdraw a judgement (撤销考核认定) with the reason; it stays on record. Office only; the unit's score
    is recomputed. A judgement already withdrawn answers 409 and stays as it was."""
    judgement = await service.withdraw(uow, principal, judgement_id, body.reason)
    return service.to_out(judgement)
