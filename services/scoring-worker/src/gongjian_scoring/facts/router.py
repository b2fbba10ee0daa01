from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Query, Request, status
from fastapi.responses import JSONResponse

from gongjian_scoring.access import ensure_unit_visible
from gongjian_scoring.deps import CurrentScope
from gongjian_scoring.engine.facts import FactsDocument
from gongjian_scoring.facts import exchange, service
from gongjian_scoring.facts.schemas import FactsImportOut, UnitCompletedInvestment, json_numbers
from gongjian_shared.auth import Principal, Role, require_roles
from gongjian_shared.deps import UnitOfWorkDep
from gongjian_shared.errors import problem_responses
from gongjian_shared.routing import ServiceRouter
from gongjian_shared.types import INT32_MAX, Day

router = ServiceRouter(prefix="/api/v1/scoring", tags=["scoring"])

OfficeOnly = Annotated[Principal, require_roles(Role.OFFICE, Role.ADMIN)]
# read from the raw body (exact decimals, errors naming the unit): its schema is the document's input shape
FACTS_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FactsDocument-Input"}}},
    }
}
Year = Annotated[int, Query(ge=2000, le=2100)]


@router.get(
    "/units/{unit_id}/completed-investment",
    response_model=UnitCompletedInvestment,
    responses=problem_responses(401, 404, 422),
)
async def unit_completed_investment(
    unit_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope, year: Year
) -> UnitCompletedInvestment:
    """A unit's completed investment for the year, as the assessment sees it (考核口径完成投资).

    The office, or the unit's own people; another unit's answers 404."""
    ensure_unit_visible(scope, unit_id)
    return await service.unit_completed_investment(uow, unit_id, year)


@router.get(
    "/units/{unit_id}/facts",
    response_model=FactsDocument,
    responses=problem_responses(401, 404, 422),
)
async def export_unit_facts(
    unit_id: uuid.UUID,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    year: Year,
    as_of: Day | None = None,
) -> JSONResponse:
    """A unit's facts document for the year (单位考核事实): what its score sheet is computed from, in the shape
    `gongjian score` reads. A unit sees its own; another unit's answers 404."""
    ensure_unit_visible(scope, unit_id)
    document = await exchange.export_unit(uow, unit_id, year, as_of)
    return JSONResponse(json_numbers(document.model_dump()))


@router.get("/facts", response_model=FactsDocument, responses=problem_responses(401, 403, 404, 422))
async def export_facts(
    uow: UnitOfWorkDep,
    _: OfficeOnly,
    rule_set: Annotated[str, Query(description="A rule set id, e.g. 2019-county: its year and units.")],
    as_of: Day | None = None,
) -> JSONResponse:
    """The facts document of every unit a rule set scores, for its year (考核事实导出). Office only."""
    document = await exchange.export_rule_set(uow, rule_set, as_of)
    return JSONResponse(json_numbers(document.model_dump()))


@router.post(
    "/facts/imports",
    response_model=FactsImportOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 422),
    openapi_extra=FACTS_BODY,
)
async def import_facts(
    request: Request,
    uow: UnitOfWorkDep,
    principal: OfficeOnly,
    as_of: Day | None = None,
    rule_set: Annotated[
        str | None, Query(description="Score with this rule set rather than the one the document names.")
    ] = None,
    version: Annotated[
        int | None, Query(ge=1, le=INT32_MAX, description="The rule set version; the latest by default.")
    ] = None,
) -> FactsImportOut:
    """Import a facts document and score it (导入考核事实并评分), e.g. one exported, corrected and sent back.
    Office only. A document that cannot be scored is a 422 naming each unit and field; nothing is stored."""
    # the raw body (not a model): its numbers stay exact decimals
    imported = await exchange.import_facts(uow, principal, await request.body(), as_of, rule_set, version)
    return exchange.import_out(imported)


@router.get(
    "/facts/imports/{import_id}",
    response_model=FactsImportOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_facts_import(import_id: uuid.UUID, uow: UnitOfWorkDep, _: OfficeOnly) -> FactsImportOut:
    """An imported facts document's score sheet (导入评分结果). Office only."""
    return exchange.import_out(await exchange.get_import(uow, import_id))
