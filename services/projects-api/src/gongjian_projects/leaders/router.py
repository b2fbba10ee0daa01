from __future__ import annotations

import uuid

from fastapi import status

from gongjian_projects.deps import AccessCachesDep, CurrentPrincipal, OfficeOnly, UnitOfWorkDep
from gongjian_projects.http import IDEMPOTENT, IdempotentRoute
from gongjian_projects.leaders import service
from gongjian_projects.leaders.schemas import LeaderAccountLink, LeaderCreate, LeaderOut
from gongjian_shared.errors import problem_responses
from gongjian_shared.routing import ServiceRouter

router = ServiceRouter(prefix="/api/v1/leaders", tags=["leaders"], route_class=IdempotentRoute)


@router.get("", response_model=list[LeaderOut], responses=problem_responses(401))
async def list_leaders(uow: UnitOfWorkDep, _: CurrentPrincipal) -> list[LeaderOut]:
    """Leaders who push projects (包抓领导)."""
    return await service.all_leaders(uow)


@router.post(
    "",
    response_model=LeaderOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[IDEMPOTENT],
)
async def create_leader(
    body: LeaderCreate, uow: UnitOfWorkDep, caches: AccessCachesDep, office: OfficeOnly
) -> LeaderOut:
    """Add a city or county leader (新增包抓领导); linked to an account, they read their projects at once."""
    leader = await service.create_leader(uow, body, office.user_id)
    caches.invalidate_after_commit(uow, leaders=True)
    return service.to_out(leader)


@router.put(
    "/{leader_id}/account",
    response_model=LeaderOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def link_leader_account(
    leader_id: uuid.UUID,
    body: LeaderAccountLink,
    uow: UnitOfWorkDep,
    caches: AccessCachesDep,
    office: OfficeOnly,
) -> LeaderOut:
    """Change the account a leader signs in with (更换包抓领导账号), or unlink it with `null`; the office's.
    The old account stops reading the leader's projects and the new one reads them at once; both changes
    are in the account audit log and published as `account-updated`."""
    leader = await service.link_account(uow, leader_id, body, office.user_id)
    caches.invalidate_after_commit(uow, leaders=True)
    return service.to_out(leader)
