from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Query, Response, status

from gongjian_projects.deps import CurrentScope, UnitOfWorkDep
from gongjian_projects.http import IDEMPOTENT, IdempotentRoute, etag
from gongjian_projects.ledger import service
from gongjian_projects.ledger.schemas import (
    ActionCreate,
    EscalateRequest,
    ObstacleCategory,
    ObstacleCreate,
    ObstacleOut,
    ObstaclePage,
    ObstacleStatus,
    ObstacleUpdate,
)
from gongjian_projects.models import Obstacle
from gongjian_shared.concurrency import IF_MATCH_REQUIRED, IfMatchDep
from gongjian_shared.errors import problem_responses
from gongjian_shared.routing import ServiceRouter
from gongjian_shared.types import Limit, Offset, QueryFlag

router = ServiceRouter(prefix="/api/v1/ledger", tags=["ledger"], route_class=IdempotentRoute)

WRITE_PROBLEMS = problem_responses(401, 403, 404, 409, 422)


async def _out(uow: UnitOfWorkDep, response: Response, obstacle: Obstacle) -> ObstacleOut:
    response.headers["ETag"] = etag(obstacle.revision)
    return await service.obstacle_out(uow, obstacle)


@router.post(
    "/obstacles",
    response_model=ObstacleOut,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_PROBLEMS,
    dependencies=[IDEMPOTENT],
)
async def create_obstacle(
    response: Response, body: ObstacleCreate, uow: UnitOfWorkDep, scope: CurrentScope
) -> ObstacleOut:
    """Enter an obstacle in the push ledger (录入困难问题)."""
    obstacle = await service.create(uow, scope, body)
    return await _out(uow, response, obstacle)


@router.get("/obstacles", response_model=ObstaclePage, responses=problem_responses(401, 422))
async def list_obstacles(
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    project_id: uuid.UUID | None = None,
    unit_id: uuid.UUID | None = None,
    status: ObstacleStatus | None = None,
    category: ObstacleCategory | None = None,
    overdue: QueryFlag = False,
    limit: Annotated[Limit, Query()] = 50,
    offset: Annotated[Offset, Query()] = 0,
) -> ObstaclePage:
    """The push ledger the caller may see (攻坚台帐), newest first; `overdue=true` for open ones past due.
    A unit named to help clear an obstacle (责任单位) sees it too."""
    return await service.obstacle_page(
        uow,
        scope,
        project_id=project_id,
        unit_id=unit_id,
        status=status,
        category=category,
        overdue=overdue,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/obstacles/{obstacle_id}", response_model=ObstacleOut, responses=problem_responses(401, 404, 422)
)
async def get_obstacle(
    response: Response, obstacle_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope
) -> ObstacleOut:
    """One obstacle with its actions (台帐详情)."""
    obstacle, _, _ = await service.visible_obstacle(uow, scope, obstacle_id)
    return await _out(uow, response, obstacle)


@router.patch(
    "/obstacles/{obstacle_id}",
    response_model=ObstacleOut,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
    openapi_extra=IF_MATCH_REQUIRED,
)
async def update_obstacle(
    response: Response,
    obstacle_id: uuid.UUID,
    body: ObstacleUpdate,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    if_match: IfMatchDep,
) -> ObstacleOut:
    """Change an obstacle (更新台帐), e.g. mark it resolved; needs `If-Match`."""
    obstacle = await service.update(uow, scope, obstacle_id, if_match, body)
    return await _out(uow, response, obstacle)


@router.post(
    "/obstacles/{obstacle_id}/actions",
    response_model=ObstacleOut,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_PROBLEMS,
    dependencies=[IDEMPOTENT],
)
async def add_action(
    response: Response, obstacle_id: uuid.UUID, body: ActionCreate, uow: UnitOfWorkDep, scope: CurrentScope
) -> ObstacleOut:
    """Record an action taken to clear the obstacle (记录推进措施); the unit named to help may too."""
    obstacle = await service.add_action(uow, scope, obstacle_id, body)
    return await _out(uow, response, obstacle)


@router.post(
    "/obstacles/{obstacle_id}/escalate",
    response_model=ObstacleOut,
    responses=WRITE_PROBLEMS,
    dependencies=[IDEMPOTENT],
)
async def escalate(
    response: Response, obstacle_id: uuid.UUID, body: EscalateRequest, uow: UnitOfWorkDep, scope: CurrentScope
) -> ObstacleOut:
    """Take the obstacle to the joint meeting (提交联席会议协调); emits `obstacle-escalated`."""
    obstacle = await service.escalate(uow, scope, obstacle_id, body)
    return await _out(uow, response, obstacle)
