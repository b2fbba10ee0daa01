from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_scoring.assessment.rules import UnitKind
from gongjian_scoring.scores import standings
from gongjian_scoring.scores.schemas import SnapshotPoint, Standings, UnitSheet
from gongjian_scoring.scores.xlsx import workbook_bytes
from gongjian_shared.auth import CurrentPrincipal, Principal
from gongjian_shared.db import SessionDep
from gongjian_shared.errors import Forbidden, problem_responses

router = APIRouter(prefix="/api/v1/scoring", tags=["scoring"])

Year = Annotated[int, Query(ge=2000, le=2100)]
Kind = Annotated[
    UnitKind, Query(description="county: counties and zones (县区); department: city departments")
]
Published = Annotated[
    bool, Query(description="The office: the latest published standings instead of live ones.")
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX: {}}, "description": "The workbook"},
    **problem_responses(401, 404, 422),
}


async def _ranked(
    session: AsyncSession, principal: Principal, year: int, kind: UnitKind, published: bool
) -> standings.Ranked:
    # units see the published standings only; the office sees live ones too
    if published or not principal.is_office:
        return await standings.published(session, year, kind)
    return await standings.live(session, await standings.rule_set_for(session, year, kind))


def ensure_own_unit(principal: Principal, unit_id: uuid.UUID) -> None:
    if not principal.is_office and principal.unit_id != unit_id:
        raise Forbidden("Units see only their own score sheet.")


@router.get("/standings", response_model=Standings, responses=problem_responses(401, 404, 422))
async def get_standings(
    session: SessionDep, principal: CurrentPrincipal, year: Year, kind: Kind, published: Published = False
) -> Standings:
    """The standings of a year and unit kind (考核排名): ranks, totals, awards and item points.

    The office sees the live standings (or, with `published`, the latest published ones); units see the
    latest published standings.
    """
    return standings.standings_out(await _ranked(session, principal, year, kind, published))


@router.get(
    "/standings.xlsx",
    response_class=Response,
    responses=XLSX_RESPONSES,
)
async def export_standings(
    session: SessionDep, principal: CurrentPrincipal, year: Year, kind: Kind, published: Published = False
) -> Response:
    """The standings as an Excel workbook in the layout of Annex 3 (考核评分表导出): the ranking, then one
    sheet per unit with every item's standard, source text, points and arithmetic. Who sees what as for
    the standings."""
    ranked = await _ranked(session, principal, year, kind, published)
    content = workbook_bytes(
        ranked.rule_set, ranked.sheet, ranked.as_of, ranked.provisional, ranked.published is not None
    )
    name = f"{ranked.stored.id}-v{ranked.stored.version}-{'published' if ranked.published else 'live'}.xlsx"
    return Response(
        content, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get(
    "/units/{unit_id}/sheet", response_model=UnitSheet, responses=problem_responses(401, 403, 404, 422)
)
async def get_unit_sheet(
    unit_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal, year: Year
) -> UnitSheet:
    """A unit's live score sheet (单位考核评分表): each item's points, how they were reached, and the source
    text. A unit sees its own; the office also sees its live rank and award."""
    ensure_own_unit(principal, unit_id)
    return await standings.unit_sheet(session, unit_id, year, with_rank=principal.is_office)


@router.get(
    "/units/{unit_id}/history",
    response_model=list[SnapshotPoint],
    responses=problem_responses(401, 403, 404, 422),
)
async def get_unit_history(
    unit_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal, year: Year
) -> list[SnapshotPoint]:
    """A unit's trend (得分走势): its score as of each date its facts changed. A unit sees its own."""
    ensure_own_unit(principal, unit_id)
    return await standings.history(session, unit_id, year)
