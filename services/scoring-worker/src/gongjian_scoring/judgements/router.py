from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from gongjian_scoring.judgements import service
from gongjian_scoring.judgements.repository import JudgementRepository
from gongjian_scoring.judgements.schemas import JudgementCreate, JudgementOut, JudgementWithdraw
from gongjian_scoring.scores.service import scorer_of
from gongjian_shared.auth import CurrentPrincipal, Principal, Role, require_roles
from gongjian_shared.db import SessionDep
from gongjian_shared.errors import Forbidden, problem_responses

router = APIRouter(prefix="/api/v1/scoring", tags=["scoring"])

OfficeOnly = Annotated[Principal, require_roles(Role.OFFICE, Role.ADMIN)]


@router.post(
    "/units/{unit_id}/judgements",
    response_model=JudgementOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 422),
)
async def record_judgement(
    unit_id: uuid.UUID, body: JudgementCreate, request: Request, session: SessionDep, principal: OfficeOnly
) -> JudgementOut:
    """Record a judgement of the office (录入考核认定) with its evidence: a media item, an inspection finding,
    a support failure, a mechanism check, a disqualifying incident, planning funds or the planning task.
    Office only; the unit's score is recomputed."""
    judgement = await service.record(
        session, scorer_of(request), principal, unit_id, body, request.app.state.clock.now()
    )
    return service.to_out(judgement)


@router.get(
    "/units/{unit_id}/judgements",
    response_model=list[JudgementOut],
    responses=problem_responses(401, 403, 422),
)
async def list_judgements(
    unit_id: uuid.UUID,
    session: SessionDep,
    principal: CurrentPrincipal,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    include_withdrawn: bool = False,
) -> list[JudgementOut]:
    """A unit's judgements (考核认定记录); a unit sees its own."""
    if not principal.is_office and principal.unit_id != unit_id:
        raise Forbidden("Units see only their own judgements.")
    judgements = await JudgementRepository(session).of_unit(
        unit_id, year, include_withdrawn=include_withdrawn
    )
    return [service.to_out(j) for j in judgements]


@router.post(
    "/judgements/{judgement_id}/withdraw",
    response_model=JudgementOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def withdraw_judgement(
    judgement_id: uuid.UUID,
    body: JudgementWithdraw,
    request: Request,
    session: SessionDep,
    principal: OfficeOnly,
) -> JudgementOut:
    """Withdraw a judgement (撤销考核认定) with the reason; it stays on record. Office only; the unit's score
    is recomputed."""
    judgement = await service.withdraw(
        session, scorer_of(request), principal, judgement_id, body.reason, request.app.state.clock.now()
    )
    return service.to_out(judgement)
