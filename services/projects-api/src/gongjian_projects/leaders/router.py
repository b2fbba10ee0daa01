from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status

from gongjian_projects.http import IDEMPOTENT, IdempotentRoute
from gongjian_projects.leaders import service
from gongjian_projects.leaders.repository import LeaderRepository
from gongjian_projects.leaders.schemas import LeaderCreate, LeaderOut
from gongjian_shared.auth import CurrentPrincipal, Principal, Role, require_roles
from gongjian_shared.db import SessionDep
from gongjian_shared.errors import problem_responses

router = APIRouter(prefix="/api/v1/leaders", tags=["leaders"], route_class=IdempotentRoute)

OfficeOnly = Annotated[Principal, require_roles(Role.OFFICE, Role.ADMIN)]


@router.get("", response_model=list[LeaderOut], responses=problem_responses(401))
async def list_leaders(session: SessionDep, _: CurrentPrincipal) -> list[LeaderOut]:
    """Leaders who push projects (包抓领导)."""
    return [service.to_out(leader) for leader in await LeaderRepository(session).list()]


@router.post(
    "",
    response_model=LeaderOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[IDEMPOTENT],
)
async def create_leader(body: LeaderCreate, session: SessionDep, _: OfficeOnly) -> LeaderOut:
    """Add a city or county leader (新增包抓领导)."""
    return service.to_out(await service.create_leader(session, body))
