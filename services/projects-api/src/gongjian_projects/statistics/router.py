"""Statistics routes. Every route that reads "up to a month" takes it the same way: `?month=` (1-12), a
required query parameter, like the progress reports' `month` filter; the year is the path's `{year}`.
`/{year}/monthly/{month}` is kept as a deprecated alias of `/{year}/monthly?month=`."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import Path, Query, Response

from gongjian_projects.deps import CurrentScope, OfficeOnly, UnitOfWorkDep
from gongjian_projects.http import IDEMPOTENT, IdempotentRoute
from gongjian_projects.statistics import annex2, bulletins, excel, service
from gongjian_projects.statistics.schemas import (
    QuarterlyBulletin,
    StatisticsRow,
    StatisticsTable,
    TargetsVsActuals,
)
from gongjian_shared.errors import Forbidden, problem_responses
from gongjian_shared.routing import ServiceRouter

router = ServiceRouter(prefix="/api/v1/statistics", tags=["statistics"], route_class=IdempotentRoute)

Year = Annotated[int, Path(ge=2000, le=2100)]
Month = Annotated[int, Query(ge=1, le=12, description="Up to the end of this month (1-12).")]
Quarter = Annotated[int, Path(ge=1, le=4)]
Format = Literal["json", "xlsx"]
XLSX: dict[int | str, dict[str, Any]] = {
    200: {"content": {excel.XLSX_MEDIA_TYPE: {}}, "description": "JSON, or xlsx with `format=xlsx`."}
}


def _xlsx(content: bytes, filename: str) -> Response:
    return Response(
        content=content,
        media_type=excel.XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


@router.get("/{year}/units", response_model=StatisticsTable, responses=problem_responses(401, 422))
async def by_unit(year: Year, month: Month, uow: UnitOfWorkDep, scope: CurrentScope) -> StatisticsTable:
    """Per unit (分单位统计): counts by kind and category, start rate, planned vs completed investment year to
    date, completion share vs the time-schedule benchmark, next to the unit's Annex 2 targets. A project
    taken off the plan counts until its removal date; a frozen month is as it was published."""
    return await service.unit_table(uow, year, month, None if scope.read_all else scope.unit_ids)


@router.get("/{year}/leaders", response_model=StatisticsTable, responses=problem_responses(401, 422))
async def by_leader(year: Year, month: Month, uow: UnitOfWorkDep, scope: CurrentScope) -> StatisticsTable:
    """Per leader (分包抓领导统计), over the projects assigned to each."""
    return await service.leader_table(uow, year, month, None if scope.read_all else scope.leader_ids)


@router.get("/{year}/city", response_model=StatisticsRow, responses=problem_responses(401, 403, 422))
async def city(year: Year, month: Month, uow: UnitOfWorkDep, scope: CurrentScope) -> StatisticsRow:
    """The whole city (全市统计)."""
    if not scope.read_all:
        raise Forbidden("City figures are for the office and conveners.")
    table = await service.unit_table(uow, year, month, None)
    assert table.city is not None
    return table.city


async def _monthly(
    year: int, month: int, uow: UnitOfWorkDep, scope: CurrentScope, format: Format
) -> StatisticsTable | Response:
    if not scope.read_all:
        raise Forbidden("The statistics table is for the office and conveners.")
    table = await service.unit_table(uow, year, month, None)
    if format == "xlsx":
        return _xlsx(excel.monthly_table(table), f"{year}年1-{month}月重点项目统计表.xlsx")
    return table


@router.get(
    "/{year}/monthly",
    response_model=StatisticsTable,
    responses=problem_responses(401, 403, 422) | XLSX,
)
async def monthly_table(
    year: Year, month: Month, uow: UnitOfWorkDep, scope: CurrentScope, format: Format = "json"
) -> StatisticsTable | Response:
    """The monthly statistics table (月统计表), as JSON or as xlsx with a chart (`format=xlsx`)."""
    return await _monthly(year, month, uow, scope, format)


@router.get(
    "/{year}/monthly/{month}",
    response_model=StatisticsTable,
    responses=problem_responses(401, 403, 422) | XLSX,
    deprecated=True,
)
async def monthly_table_by_path(
    year: Year,
    month: Annotated[int, Path(ge=1, le=12)],
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    format: Format = "json",
) -> StatisticsTable | Response:
    """Deprecated: use `/statistics/{year}/monthly?month=`. The same table."""
    return await _monthly(year, month, uow, scope, format)


@router.get(
    "/{year}/targets",
    response_model=TargetsVsActuals,
    responses=problem_responses(401, 422) | XLSX,
)
async def targets_vs_actuals(
    year: Year, month: Month, uow: UnitOfWorkDep, scope: CurrentScope, format: Format = "json"
) -> TargetsVsActuals | Response:
    """Annex 2 targets against actuals (目标任务完成情况) for every column, per unit and for the city, up to the
    month's end; a unit reads its own rows. JSON or xlsx (`format=xlsx`)."""
    table = await annex2.targets_vs_actuals(uow, year, month, None if scope.read_all else scope.unit_ids)
    if format == "xlsx":
        return _xlsx(excel.targets_table(table), f"{year}年1-{month}月目标任务完成情况.xlsx")
    return table


@router.get(
    "/{year}/quarterly/{quarter}",
    response_model=QuarterlyBulletin,
    responses=problem_responses(401, 403, 422) | XLSX,
)
async def quarterly_bulletin(
    year: Year, quarter: Quarter, uow: UnitOfWorkDep, scope: CurrentScope, format: Format = "json"
) -> QuarterlyBulletin | Response:
    """The quarterly bulletin (季度通报) as of the quarter's end: ranking, the city, red projects; JSON or xlsx
    with a chart. Once published, every unit reads the published one; before, the office reads a draft and a
    unit is refused (403)."""
    bulletin = await bulletins.read(uow, scope, year, quarter)
    if format == "xlsx":
        return _xlsx(excel.quarterly_bulletin(bulletin), f"{year}年第{quarter}季度重点项目通报.xlsx")
    return bulletin


@router.post(
    "/{year}/quarterly/{quarter}/publish",
    response_model=QuarterlyBulletin,
    responses=problem_responses(401, 403, 409, 422),
    dependencies=[IDEMPOTENT],
)
async def publish_bulletin(
    year: Year, quarter: Quarter, uow: UnitOfWorkDep, principal: OfficeOnly
) -> QuarterlyBulletin:
    """Publish the quarterly bulletin (发布季度通报), office only: it is stored as of now and never changes.
    409 `quarter-not-frozen` before the quarter's last month is frozen; 409 `bulletin-published` the second
    time (with an `Idempotency-Key`, a retry replays the first answer)."""
    return await bulletins.publish(uow, year, quarter, principal.user_id)
