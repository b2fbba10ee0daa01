from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from gongjian_shared.auth import CurrentPrincipal
from gongjian_shared.db import SessionDep
from gongjian_shared.errors import Forbidden, problem_responses

from gongjian_scoring.facts.repository import InvestmentRepository
from gongjian_scoring.facts.schemas import UnitCompletedInvestment

router = APIRouter(prefix="/api/v1/scoring", tags=["scoring"])


@router.get(
    "/units/{unit_id}/completed-investment",
    response_model=UnitCompletedInvestment,
    responses=problem_responses(401, 403, 422),
)
async def unit_completed_investment(
    unit_id: uuid.UUID,
    session: SessionDep,
    principal: CurrentPrincipal,
    year: Annotated[int, Query(ge=2000, le=2100)],
) -> UnitCompletedInvestment:
    """A unit's completed investment for the year, as the assessment sees it (考核口径完成投资)."""
    if not principal.is_office and principal.unit_id != unit_id:
        raise Forbidden("Units see only their own figures.")
    completed, projects = await InvestmentRepository(session).unit_completed(unit_id, year)
    return UnitCompletedInvestment(
        unit_id=unit_id, year=year, completed_10k=completed, projects_reported=projects
    )
