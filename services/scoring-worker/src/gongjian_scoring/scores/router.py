from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Query, Response

from gongjian_scoring.access import ensure_unit_visible, sees_live_standings
from gongjian_scoring.deps import CurrentScope
from gongjian_scoring.engine.rules import UnitKind
from gongjian_scoring.scores import standings
from gongjian_scoring.scores.schemas import SnapshotPage, Standings, UnitSheet
from gongjian_scoring.scores.xlsx import workbook_bytes
from gongjian_shared.deps import UnitOfWorkDep
from gongjian_shared.errors import problem_responses
from gongjian_shared.pagination import PagingDep
from gongjian_shared.routing import ServiceRouter
from gongjian_shared.types import QueryFlag

router = ServiceRouter(prefix="/api/v1/scoring", tags=["scoring"])

Year = Annotated[int, Query(ge=2000, le=2100)]
Kind = Annotated[
    UnitKind, Query(description="county: counties and zones (县区); department: city departments")
]
Published = Annotated[
    QueryFlag, Query(description="The office: the latest published standings instead of live ones.")
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX: {}}, "description": "The workbook"},
    **problem_responses(401, 404, 422),
}


@router.get("/standings", response_model=Standings, responses=problem_responses(401, 404, 422))
async def get_standings(
    uow: UnitOfWorkDep, scope: CurrentScope, year: Year, kind: Kind, published: Published = False
) -> Standings:
    """The standings of a year and unit kind (考核排名): ranks, totals, awards and item points.

    The office sees the live standings (or, with `published`, the latest published ones); units see the
    latest published standings.
    """
    return standings.standings_out(await standings.visible(uow, scope, year, kind, published))


@router.get(
    "/standings.xlsx",
    response_class=Response,
    responses=XLSX_RESPONSES,
)
async def export_standings(
    uow: UnitOfWorkDep, scope: CurrentScope, year: Year, kind: Kind, published: Published = False
) -> Response:
    """The standings as an Excel workbook in the layout of Annex 3 (考核评分表导出): the ranking, then one
    sheet per unit with every item's standard, source text, points and arithmetic. Who sees what as for
    the standings."""
    ranked = await standings.visible(uow, scope, year, kind, published)
    content = workbook_bytes(
        ranked.rule_set, ranked.sheet, ranked.as_of, ranked.provisional, ranked.published is not None
    )
    name = f"{ranked.stored.id}-v{ranked.stored.version}-{'published' if ranked.published else 'live'}.xlsx"
    return Response(
        content, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get("/units/{unit_id}/sheet", response_model=UnitSheet, responses=problem_responses(401, 404, 422))
async def get_unit_sheet(
    unit_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope, year: Year
) -> UnitSheet:
    """A unit's live score sheet (单位考核评分表): each item's points, how they were reached, and the source
    text. A unit sees its own (another unit's answers 404); the office also sees its live rank and award."""
    ensure_unit_visible(scope, unit_id)
    return await standings.unit_sheet(uow, unit_id, year, with_rank=sees_live_standings(scope))


@router.get(
    "/units/{unit_id}/history",
    response_model=SnapshotPage,
    responses=problem_responses(401, 404, 422),
)
async def get_unit_history(
    unit_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope, year: Year, paging: PagingDep
) -> SnapshotPage:
    """A unit's trend (得分走势): its score as of each date its facts changed. A unit sees its own; another
    unit's answers 404."""
    ensure_unit_visible(scope, unit_id)
    return SnapshotPage.cut(await standings.history(uow, unit_id, year), paging)
