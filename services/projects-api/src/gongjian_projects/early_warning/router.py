from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path, Response

from gongjian_projects.deps import CurrentPrincipal, CurrentScope, OfficeOnly, UnitOfWorkDep
from gongjian_projects.early_warning import service
from gongjian_projects.early_warning.schemas import (
    Colour,
    ColourCounts,
    Evaluation,
    ThresholdsIn,
    ThresholdsOut,
    WarningOut,
)
from gongjian_projects.http import IDEMPOTENT, IdempotentRoute, etag
from gongjian_shared.concurrency import IF_MATCH_REQUIRED, IfMatchDep
from gongjian_shared.errors import Forbidden, problem_responses
from gongjian_shared.routing import ServiceRouter

router = ServiceRouter(prefix="/api/v1/early-warning", tags=["early-warning"], route_class=IdempotentRoute)

Year = Annotated[int, Path(ge=2000, le=2100)]
Month = Annotated[int, Path(ge=1, le=12)]


@router.get("/thresholds/{year}", response_model=ThresholdsOut, responses=problem_responses(401, 422))
async def get_thresholds(
    year: Year, response: Response, uow: UnitOfWorkDep, _: CurrentPrincipal
) -> ThresholdsOut:
    """The year's yellow and red thresholds (预警阈值); defaults 10 and 20 points."""
    thresholds = await service.thresholds_of(uow, year)
    response.headers["ETag"] = etag(thresholds.revision)
    return thresholds


@router.put(
    "/thresholds/{year}",
    response_model=ThresholdsOut,
    responses=problem_responses(401, 403, 412, 422, 428),
    openapi_extra=IF_MATCH_REQUIRED,
)
async def set_thresholds(
    year: Year,
    body: ThresholdsIn,
    response: Response,
    uow: UnitOfWorkDep,
    _: OfficeOnly,
    if_match: IfMatchDep,
) -> ThresholdsOut:
    """Set the year's thresholds (设置预警阈值); needs `If-Match`."""
    thresholds = await service.set_thresholds(uow, year, if_match, body)
    response.headers["ETag"] = etag(thresholds.revision)
    return thresholds


@router.post(
    "/{year}/{month}/evaluate",
    response_model=Evaluation,
    responses=problem_responses(401, 403, 422),
    dependencies=[IDEMPOTENT],
)
async def evaluate(year: Year, month: Month, uow: UnitOfWorkDep, _: OfficeOnly) -> Evaluation:
    """Judge every key project as of the month's end (预警研判); emits `project-behind-schedule` on turning red."""
    return await service.evaluate_month(uow, year, month)


@router.get("/{year}/projects", response_model=list[WarningOut], responses=problem_responses(401, 422))
async def warnings(
    year: Year, uow: UnitOfWorkDep, scope: CurrentScope, colour: Colour | None = None
) -> list[WarningOut]:
    """Key projects the caller may see with their latest colour, red first (预警项目)."""
    return await service.warnings_of_year(uow, scope, year, colour)


@router.get("/{year}/rollup", response_model=list[ColourCounts], responses=problem_responses(401, 403, 422))
async def rollup(
    year: Year, uow: UnitOfWorkDep, scope: CurrentScope, by: Literal["unit", "leader"] = "unit"
) -> list[ColourCounts]:
    """Colour counts per unit or per leader (分单位/分包抓领导预警汇总); for the office and conveners."""
    if not scope.read_all:
        raise Forbidden("Roll-ups are for the office and conveners.")
    return await service.rollup(uow, year, by)
