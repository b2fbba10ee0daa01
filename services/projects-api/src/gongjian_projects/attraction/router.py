from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Path, Response

from gongjian_projects.attraction import service
from gongjian_projects.attraction.schemas import AttractionTallyTable, StageMove
from gongjian_projects.deps import CurrentScope, UnitOfWorkDep
from gongjian_projects.http import IDEMPOTENT, IdempotentRoute, etag
from gongjian_projects.projects.schemas import ProjectOut
from gongjian_projects.projects.service import to_out
from gongjian_shared.errors import problem_responses
from gongjian_shared.routing import ServiceRouter

router = ServiceRouter(tags=["attraction"], route_class=IdempotentRoute)


@router.post(
    "/api/v1/projects/{project_id}/attraction-stage",
    response_model=ProjectOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[IDEMPOTENT],
)
async def advance_attraction_stage(
    project_id: uuid.UUID, body: StageMove, response: Response, uow: UnitOfWorkDep, scope: CurrentScope
) -> ProjectOut:
    """Move an attraction project to its next stage with the date reached (签约 -> 落地 -> 开工); forward one
    step at a time, 409 otherwise. Emits `project-updated`."""
    project = await service.advance_stage(uow, scope, project_id, body)
    response.headers["ETag"] = etag(project.revision)
    return to_out(project)


@router.get(
    "/api/v1/attraction/{year}/tally",
    response_model=AttractionTallyTable,
    responses=problem_responses(401, 422),
)
async def attraction_tally(
    year: Annotated[int, Path(ge=2000, le=2100)], uow: UnitOfWorkDep, scope: CurrentScope
) -> AttractionTallyTable:
    """The year's attraction projects per unit (招商引资统计): stages, 5亿元以上 projects, foreign enterprises,
    returnee projects and amounts (万元 and 万美元 apart), next to the Annex 2 targets; the city's row and the
    notice's headline targets for the office and conveners."""
    return await service.tally(uow, scope, year)
