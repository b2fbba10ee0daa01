from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import Query, Response, status

from gongjian_projects.concentrated_starts import excel, service
from gongjian_projects.concentrated_starts.schemas import (
    ConcentratedStartDeclare,
    ConcentratedStartOut,
    ConcentratedStartProjectOut,
    DeclineRequest,
    StartCountsTable,
)
from gongjian_projects.deps import CurrentScope, OfficeOnly, UnitOfWorkDep
from gongjian_projects.http import IDEMPOTENT, IdempotentRoute
from gongjian_shared.errors import problem_responses
from gongjian_shared.routing import ServiceRouter
from gongjian_shared.types import Year

router = ServiceRouter(
    prefix="/api/v1/concentrated-starts", tags=["concentrated-starts"], route_class=IdempotentRoute
)

WRITE_PROBLEMS = problem_responses(401, 403, 404, 409, 422)
YearQuery = Annotated[Year, Query(description="The plan year.")]
XLSX: dict[int | str, dict[str, Any]] = {
    200: {"content": {excel.XLSX_MEDIA_TYPE: {}}, "description": "JSON, or xlsx with `format=xlsx`."}
}


@router.post(
    "",
    response_model=ConcentratedStartOut,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_PROBLEMS,
    dependencies=[IDEMPOTENT],
)
async def declare_concentrated_start(
    body: ConcentratedStartDeclare, uow: UnitOfWorkDep, scope: CurrentScope, _: OfficeOnly
) -> ConcentratedStartOut:
    """The office declares a quarter's concentrated start (季度集中开工) and gives advance notice (提前预告):
    key projects of the year not started yet, the planned date and event. Emits
    `concentrated-start-declared`; each unit then confirms or declines its projects."""
    return await service.declare(uow, scope, body)


@router.get(
    "",
    response_model=list[ConcentratedStartOut],
    responses=problem_responses(401, 422) | XLSX,
)
async def list_concentrated_starts(
    year: YearQuery,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    quarter: Annotated[int | None, Query(ge=1, le=4)] = None,
    format: Literal["json", "xlsx"] = "json",
) -> list[ConcentratedStartOut] | Response:
    """The year's (or quarter's) concentrated starts with each project's answer and recognised start; the
    office and conveners see all, a unit its own projects. `format=xlsx` exports the same list."""
    starts = await service.list_starts(uow, scope, year, quarter)
    if format == "xlsx":
        name = f"{year}年{f'第{quarter}季度' if quarter else ''}集中开工项目表.xlsx"
        return Response(
            content=excel.workbook(year, quarter, starts),
            media_type=excel.XLSX_MEDIA_TYPE,
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
        )
    return starts


@router.get("/counts", response_model=StartCountsTable, responses=problem_responses(401, 422))
async def concentrated_start_counts(
    year: YearQuery,
    quarter: Annotated[int, Query(ge=1, le=4)],
    uow: UnitOfWorkDep,
    scope: CurrentScope,
) -> StartCountsTable:
    """Per unit: projects declared, confirmed, declined and actually started (开工认定) by the quarter's end;
    the city's row for the office and conveners (集中开工统计)."""
    return await service.counts(uow, scope, year, quarter)


@router.get(
    "/{concentrated_start_id}",
    response_model=ConcentratedStartOut,
    responses=problem_responses(401, 404, 422),
)
async def get_concentrated_start(
    concentrated_start_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope
) -> ConcentratedStartOut:
    """One concentrated start; a unit sees its own projects of it (404 when it has none)."""
    return await service.get_start(uow, scope, concentrated_start_id)


@router.post(
    "/{concentrated_start_id}/projects/{project_id}/confirm",
    response_model=ConcentratedStartProjectOut,
    responses=WRITE_PROBLEMS,
    dependencies=[IDEMPOTENT],
)
async def confirm_concentrated_start(
    concentrated_start_id: uuid.UUID, project_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope
) -> ConcentratedStartProjectOut:
    """The project's unit confirms it will start with the batch (确认开工); once. Emits
    `concentrated-start-answered`."""
    return await service.answer(uow, scope, concentrated_start_id, project_id, None)


@router.post(
    "/{concentrated_start_id}/projects/{project_id}/decline",
    response_model=ConcentratedStartProjectOut,
    responses=WRITE_PROBLEMS,
    dependencies=[IDEMPOTENT],
)
async def decline_concentrated_start(
    concentrated_start_id: uuid.UUID,
    project_id: uuid.UUID,
    body: DeclineRequest,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
) -> ConcentratedStartProjectOut:
    """The project's unit declines, with the reason (不能按期开工及原因); once. Emits
    `concentrated-start-answered`."""
    return await service.answer(uow, scope, concentrated_start_id, project_id, body.reason)
