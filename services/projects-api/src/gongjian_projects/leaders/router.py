from __future__ import annotations

from fastapi import APIRouter, status

from gongjian_projects.deps import AccessCachesDep, CurrentPrincipal, OfficeOnly, UnitOfWorkDep
from gongjian_projects.http import IDEMPOTENT, IdempotentRoute
from gongjian_projects.leaders import service
from gongjian_projects.leaders.schemas import LeaderCreate, LeaderOut
from gongjian_shared.errors import problem_responses

router = APIRouter(prefix="/api/v1/leaders", tags=["leaders"], route_class=IdempotentRoute)


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
    body: LeaderCreate, uow: UnitOfWorkDep, caches: AccessCachesDep, _: OfficeOnly
) -> LeaderOut:
    """Add a city or county leader (新增包抓领导); linked to an account, they read their projects at once."""
    leader = await service.create_leader(uow, body)
    caches.invalidate_after_commit(uow, leaders=True)
    return service.to_out(leader)
