from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Response

from gongjian_projects.deps import CurrentScope, UnitOfWorkDep
from gongjian_projects.statistics import excel, service
from gongjian_projects.statistics.schemas import QuarterlyBulletin, StatisticsRow, StatisticsTable
from gongjian_shared.errors import Forbidden, problem_responses

router = APIRouter(prefix="/api/v1/statistics", tags=["statistics"])

Year = Annotated[int, Path(ge=2000, le=2100)]
Month = Annotated[int, Query(ge=1, le=12, description="Up to the end of this month.")]
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
    date, completion share vs the time-schedule benchmark, next to the unit's Annex 2 targets."""
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


@router.get(
    "/{year}/monthly/{month}",
    response_model=StatisticsTable,
    responses=problem_responses(401, 403, 422) | XLSX,
)
async def monthly_table(
    year: Year,
    month: Annotated[int, Path(ge=1, le=12)],
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    format: Format = "json",
) -> StatisticsTable | Response:
    """The monthly statistics table (月统计表), as JSON or as xlsx with a chart (`format=xlsx`)."""
    if not scope.read_all:
        raise Forbidden("The statistics table is for the office and conveners.")
    table = await service.unit_table(uow, year, month, None)
    if format == "xlsx":
        return _xlsx(excel.monthly_table(table), f"{year}年1-{month}月重点项目统计表.xlsx")
    return table


@router.get(
    "/{year}/quarterly/{quarter}",
    response_model=QuarterlyBulletin,
    responses=problem_responses(401, 403, 422) | XLSX,
)
async def quarterly_bulletin(
    year: Year,
    quarter: Annotated[int, Path(ge=1, le=4)],
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    format: Format = "json",
) -> QuarterlyBulletin | Response:
    """The quarterly bulletin (季度通报): ranking, the city, red projects; JSON or xlsx with a chart."""
    if not scope.read_all:
        raise Forbidden("The bulletin is for the office and conveners.")
    bulletin = await service.quarterly_bulletin(uow, year, quarter)
    if format == "xlsx":
        return _xlsx(excel.quarterly_bulletin(bulletin), f"{year}年第{quarter}季度重点项目通报.xlsx")
    return bulletin
