from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Query, status
from fastapi.responses import JSONResponse

from gongjian_scoring.assessments import service
from gongjian_scoring.engine.facts import FactsDocument
from gongjian_scoring.models import PublishedAssessment
from gongjian_scoring.scores import standings
from gongjian_scoring.scores.schemas import (
    AssessmentPublish,
    AssessmentSummary,
    AssessmentSummaryPage,
    Standings,
)
from gongjian_shared.auth import Principal, Role, require_roles
from gongjian_shared.deps import CurrentPrincipal, UnitOfWorkDep
from gongjian_shared.errors import problem_responses
from gongjian_shared.pagination import PagingDep
from gongjian_shared.routing import ServiceRouter

router = ServiceRouter(prefix="/api/v1/scoring/assessments", tags=["scoring"])

OfficeOnly = Annotated[Principal, require_roles(Role.OFFICE, Role.ADMIN)]


def summary(row: PublishedAssessment) -> AssessmentSummary:
    return AssessmentSummary.model_validate(row, from_attributes=True)


@router.post(
    "",
    response_model=Standings,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 422),
)
async def publish_assessment(body: AssessmentPublish, uow: UnitOfWorkDep, principal: OfficeOnly) -> Standings:
    """Publish the standings of a rule set (发布考核结果), scored from the facts as of a date (by default the
    latest date the facts carry). Office only. The rule set version becomes immutable; units see these
    standings."""
    row = await service.publish(uow, principal, body.rule_set_id, body.as_of)
    return standings.standings_out(await standings.of_assessment(uow, row))


@router.get("", response_model=AssessmentSummaryPage, responses=problem_responses(401, 422))
async def list_assessments(
    uow: UnitOfWorkDep,
    _: CurrentPrincipal,
    paging: PagingDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> AssessmentSummaryPage:
    """The published assessments (已发布的考核结果), newest first."""
    rows = await service.list_published(uow, year)
    return AssessmentSummaryPage.cut([summary(row) for row in rows], paging)


@router.get("/{assessment_id}", response_model=Standings, responses=problem_responses(401, 404, 422))
async def get_assessment(assessment_id: uuid.UUID, uow: UnitOfWorkDep, _: CurrentPrincipal) -> Standings:
    """A published assessment's standings (已发布的考核排名)."""
    row = await service.get(uow, assessment_id)
    return standings.standings_out(await standings.of_assessment(uow, row))


@router.get(
    "/{assessment_id}/facts", response_model=FactsDocument, responses=problem_responses(401, 404, 422)
)
async def get_assessment_facts(
    assessment_id: uuid.UUID, uow: UnitOfWorkDep, _: CurrentPrincipal
) -> JSONResponse:
    """The facts document a published assessment was computed from (考核事实): `gongjian score` recomputes
    the published sheet from it, so any signed-in unit can check its published rank."""
    return JSONResponse((await service.get(uow, assessment_id)).facts)
