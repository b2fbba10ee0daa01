from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query, Request, Response, status

from gongjian_scoring.rule_sets import service
from gongjian_scoring.rule_sets.schemas import RuleSetOut, RuleSetSummaryPage
from gongjian_scoring.scores import service as scores
from gongjian_shared.auth import Principal, Role, require_roles
from gongjian_shared.concurrency import IF_MATCH_REQUIRED, IfMatchDep, etag_header, set_etag
from gongjian_shared.deps import CurrentPrincipal, UnitOfWorkDep
from gongjian_shared.errors import problem_responses
from gongjian_shared.pagination import PagingDep
from gongjian_shared.routing import ServiceRouter
from gongjian_shared.types import INT32_MAX

RULE_SET_ID_PATTERN = r"^[0-9]{4}-[a-z][a-z0-9-]*$"

router = ServiceRouter(prefix="/api/v1/scoring/rule-sets", tags=["scoring"])

OfficeOnly = Annotated[Principal, require_roles(Role.OFFICE, Role.ADMIN)]

# The body is read as raw JSON so that its numbers stay exact decimals; the schema is still documented
# (the responses put RuleSet among the components).
RULE_SET_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RuleSet-Input"}}},
    }
}


@router.get("", response_model=RuleSetSummaryPage, responses=problem_responses(401, 422))
async def list_rule_sets(
    uow: UnitOfWorkDep,
    _: CurrentPrincipal,
    paging: PagingDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> RuleSetSummaryPage:
    """The rule sets (考核评分表), each at its latest version."""
    return await service.list_rule_sets(uow, year, paging)


@router.get(
    "/{rule_set_id}", response_model=RuleSetOut, responses=problem_responses(401, 404, 422) | etag_header()
)
async def get_rule_set(
    rule_set_id: Annotated[str, Path(min_length=1, max_length=100, pattern=RULE_SET_ID_PATTERN)],
    uow: UnitOfWorkDep,
    _: CurrentPrincipal,
    response: Response,
    version: Annotated[int | None, Query(ge=1, le=INT32_MAX)] = None,
) -> RuleSetOut:
    """One rule set with its items, parameters, settings A1-A15 and source text; the latest version by default."""
    rule_set = await service.read_rule_set(uow, rule_set_id, version)
    set_etag(response, service.tag_of(rule_set))
    return rule_set


@router.post(
    "",
    response_model=RuleSetOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 422),
    openapi_extra=RULE_SET_BODY,
)
async def create_rule_set(request: Request, uow: UnitOfWorkDep, principal: OfficeOnly) -> RuleSetOut:
    """Create a rule set, e.g. next year's sheet (新增考核评分表), as version 1, and score its units. Office only.

    An unknown rule type, a negative cap or a missing parameter is a 422 naming its path.
    """
    stored = await service.create_rule_set(uow, principal, await request.body())
    await scores.recompute(uow, rule_set_id=stored.id)
    return service.out(stored, published=False)


@router.put(
    "/{rule_set_id}",
    response_model=RuleSetOut,
    responses=problem_responses(401, 403, 404, 412, 422, 428) | etag_header(),
    openapi_extra=RULE_SET_BODY | IF_MATCH_REQUIRED,
)
async def revise_rule_set(
    rule_set_id: Annotated[str, Path(min_length=1, max_length=100, pattern=RULE_SET_ID_PATTERN)],
    request: Request,
    uow: UnitOfWorkDep,
    principal: OfficeOnly,
    if_match: IfMatchDep,
    response: Response,
) -> RuleSetOut:
    """Revise a rule set (修订考核评分表). Office only.

    While no published assessment uses the latest version it is revised in place; once one does, that
    version is immutable and the revision becomes the next version. Every unit is rescored with it.
    `If-Match` carries the ETag of the latest version read (428 without it, 412 when stale).
    """
    stored = await service.revise_rule_set(uow, principal, rule_set_id, await request.body(), if_match)
    await scores.recompute(uow, rule_set_id=stored.id)
    set_etag(response, service.tag_of(stored))
    return service.out(stored, published=False)
