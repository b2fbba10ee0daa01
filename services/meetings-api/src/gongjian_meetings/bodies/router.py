from __future__ import annotations

import uuid

from fastapi import APIRouter

from gongjian_meetings.access import runs
from gongjian_meetings.bodies import service
from gongjian_meetings.bodies.schemas import BodyMemberOut, BodyOut, BodyUpdate
from gongjian_meetings.deps import CurrentScope, UnitOfWorkDep
from gongjian_meetings.meetings.service import generate_series
from gongjian_meetings.members.service import liaisons
from gongjian_shared.errors import problem_responses

router = APIRouter(prefix="/api/v1/meeting-bodies", tags=["meeting-bodies"])


@router.get("", response_model=list[BodyOut], responses=problem_responses(401, 403))
async def list_bodies(uow: UnitOfWorkDep, scope: CurrentScope) -> list[BodyOut]:
    """Meeting bodies (联席会议): the city's, and the county's or zone's own ones the caller belongs to
    (every body for the office and conveners)."""
    return [service.to_out(body) for body in await service.list_bodies(uow, scope)]


@router.get("/{body_id}", response_model=BodyOut, responses=problem_responses(401, 403, 404, 422))
async def get_body(body_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope) -> BodyOut:
    """One meeting body with its series and windows (会议设置)."""
    return service.to_out(await service.get_body(uow.session, body_id, scope=scope))


@router.patch("/{body_id}", response_model=BodyOut, responses=problem_responses(401, 403, 404, 422))
async def update_body(
    body_id: uuid.UUID, body: BodyUpdate, uow: UnitOfWorkDep, scope: CurrentScope
) -> BodyOut:
    """The office running the body (the city office; a county's or zone's `unit-admin` for its own body)
    sets the convener, the office unit, the series rule, the windows and the working-day option.

    With `series_active` the regular series is generated ahead at once (and kept ahead by the scheduler).
    """
    updated = await service.update_body(uow, scope, body_id, body)
    if updated.series_active:
        await generate_series(uow, scope.principal, updated)
    return service.to_out(updated)


@router.get(
    "/{body_id}/members", response_model=list[BodyMemberOut], responses=problem_responses(401, 403, 404, 422)
)
async def list_body_members(
    body_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope
) -> list[BodyMemberOut]:
    """Member units of a body (成员单位); liaison names for the office running it only."""
    body = await service.get_body(uow.session, body_id, scope=scope)
    show_liaisons = runs(scope, body)
    return [
        BodyMemberOut(
            unit_id=row["unit_id"],
            name=str(row["name"]),
            kind=str(row["kind"]),
            liaisons=[contact.name for contact in liaisons(row)] if show_liaisons else None,
        )
        for row in await service.members(uow.session, body)
    ]
