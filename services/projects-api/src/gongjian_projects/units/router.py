from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import Query, Response, status

from gongjian_projects.deps import AccessCachesDep, CurrentPrincipal, OfficeOnly, UnitOfWorkDep
from gongjian_projects.http import IDEMPOTENT, IdempotentRoute, etag
from gongjian_projects.units import service
from gongjian_projects.units.schemas import UnitCreate, UnitOut, UnitPage, UnitUpdate
from gongjian_shared.concurrency import IF_MATCH_REQUIRED, IfMatchDep
from gongjian_shared.errors import problem_responses
from gongjian_shared.routing import ServiceRouter
from gongjian_shared.types import Limit, Offset

router = ServiceRouter(prefix="/api/v1/units", tags=["units"], route_class=IdempotentRoute)


@router.get("", response_model=UnitPage, responses=problem_responses(401, 422))
async def list_units(
    uow: UnitOfWorkDep,
    principal: CurrentPrincipal,
    kind: Literal["county", "zone", "department", "enterprise", "office"] | None = None,
    limit: Annotated[Limit, Query()] = 100,
    offset: Annotated[Offset, Query()] = 0,
) -> UnitPage:
    """Units: counties, zones, departments, enterprises (单位列表). Contacts only where the caller may see them."""
    return await service.unit_page(uow, principal, kind=kind, limit=limit, offset=offset)


@router.get("/{unit_id}", response_model=UnitOut, responses=problem_responses(401, 404, 422))
async def get_unit(
    unit_id: uuid.UUID, response: Response, uow: UnitOfWorkDep, principal: CurrentPrincipal
) -> UnitOut:
    """One unit (单位详情), with its ETag for a later `If-Match`."""
    unit = await service.unit_of(uow, unit_id)
    response.headers["ETag"] = etag(unit.revision)
    return service.to_out(unit, with_contacts=service.may_see_contacts(principal, unit.id))


@router.post(
    "",
    response_model=UnitOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[IDEMPOTENT],
)
async def create_unit(
    body: UnitCreate, uow: UnitOfWorkDep, caches: AccessCachesDep, _: OfficeOnly
) -> UnitOut:
    """Create a unit (新增单位); emits `unit-updated`."""
    unit = await service.create_unit(uow, body)
    caches.invalidate_after_commit(uow, units=True)
    return service.to_out(unit, with_contacts=True)


@router.patch(
    "/{unit_id}",
    response_model=UnitOut,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
    openapi_extra=IF_MATCH_REQUIRED,
)
async def update_unit(
    response: Response,
    unit_id: uuid.UUID,
    body: UnitUpdate,
    uow: UnitOfWorkDep,
    caches: AccessCachesDep,
    principal: CurrentPrincipal,
    if_match: IfMatchDep,
) -> UnitOut:
    """Change a unit or its people (修改单位与联系人); needs `If-Match`; emits `unit-updated`."""
    unit = await service.update_unit(uow, principal, unit_id, if_match, body)
    caches.invalidate_after_commit(uow, units=True)
    response.headers["ETag"] = etag(unit.revision)
    return service.to_out(unit, with_contacts=True)
