from __future__ import annotations

import uuid

from fastapi import Response

from gongjian_meetings.bodies import service
from gongjian_meetings.bodies.schemas import BodyMemberPage, BodyOut, BodyPage, BodyUpdate
from gongjian_meetings.deps import CurrentScope, UnitOfWorkDep
from gongjian_meetings.meetings.service import generate_series
from gongjian_shared.concurrency import IF_MATCH_REQUIRED, IfMatchDep, etag_header, set_etag
from gongjian_shared.errors import problem_responses
from gongjian_shared.pagination import PagingDep
from gongjian_shared.routing import ServiceRouter

router = ServiceRouter(prefix="/api/v1/meeting-bodies", tags=["meeting-bodies"])


@router.get("", response_model=BodyPage, responses=problem_responses(401, 403, 422))
async def list_bodies(uow: UnitOfWorkDep, scope: CurrentScope, paging: PagingDep) -> BodyPage:
    """Meeting bodies (联席会议): the city's, and the county's or zone's own ones the caller belongs to
    (every body for the office and conveners)."""
    return BodyPage.cut([service.to_out(body) for body in await service.list_bodies(uow, scope)], paging)


@router.get(
    "/{body_id}", response_model=BodyOut, responses=problem_responses(401, 403, 404, 422) | etag_header()
)
async def get_body(
    body_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope, response: Response
) -> BodyOut:
    """One meeting body with its series and windows (会议设置)."""
    body = await service.get_body(uow, body_id, scope=scope)
    set_etag(response, body.revision)
    return service.to_out(body)


@router.patch(
    "/{body_id}",
    response_model=BodyOut,
    responses=problem_responses(401, 403, 404, 412, 422, 428) | etag_header(),
    openapi_extra=IF_MATCH_REQUIRED,
)
async def update_body(
    body_id: uuid.UUID,
    body: BodyUpdate,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    if_match: IfMatchDep,
    response: Response,
) -> BodyOut:
    """The office running the body (the city office; a county's or zone's `unit-admin` for its own body)
    sets the convener, the office unit, the series rule, the windows and the working-day option.

    With `series_active` the regular series is generated ahead at once (and kept ahead by the scheduler).
    `If-Match` carries the body's ETag (428 without it, 412 when stale).
    """
    updated = await service.update_body(uow, scope, body_id, body, if_match)
    if updated.series_active:
        await generate_series(uow, scope.principal, updated)
    set_etag(response, updated.revision)
    return service.to_out(updated)


@router.get(
    "/{body_id}/members", response_model=BodyMemberPage, responses=problem_responses(401, 403, 404, 422)
)
async def list_body_members(
    body_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope, paging: PagingDep
) -> BodyMemberPage:
    """Member units of a body (成员单位); liaison names for the office running it only."""
    return BodyMemberPage.cut(await service.body_members(uow, scope, body_id), paging)
