from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Request

from gongjian_meetings.bodies import service
from gongjian_meetings.bodies.repository import BodyRepository
from gongjian_meetings.bodies.schemas import BodyMemberOut, BodyOut, BodyUpdate
from gongjian_meetings.meetings.service import generate_series
from gongjian_meetings.members.service import liaisons
from gongjian_shared.auth import CurrentPrincipal, Principal, Role, require_roles
from gongjian_shared.db import SessionDep
from gongjian_shared.errors import problem_responses

router = APIRouter(prefix="/api/v1/meeting-bodies", tags=["meeting-bodies"])

OfficeOnly = Annotated[Principal, require_roles(Role.OFFICE, Role.ADMIN)]


@router.get("", response_model=list[BodyOut], responses=problem_responses(401))
async def list_bodies(session: SessionDep, _: CurrentPrincipal) -> list[BodyOut]:
    """Meeting bodies (联席会议): the city's and each county's or zone's."""
    return [service.to_out(body) for body in await BodyRepository(session).list()]


@router.get("/{body_id}", response_model=BodyOut, responses=problem_responses(401, 404, 422))
async def get_body(body_id: uuid.UUID, session: SessionDep, _: CurrentPrincipal) -> BodyOut:
    """One meeting body with its series and windows (会议设置)."""
    return service.to_out(await service.get_body(session, body_id))


@router.patch("/{body_id}", response_model=BodyOut, responses=problem_responses(401, 403, 404, 422))
async def update_body(
    request: Request, body_id: uuid.UUID, body: BodyUpdate, session: SessionDep, principal: OfficeOnly
) -> BodyOut:
    """The office sets the convener, the office unit, the series rule, the windows and the working-day option.

    With `series_active` the regular series is generated ahead at once (and kept ahead by the scheduler).
    """
    state = request.app.state
    updated = await service.update_body(session, state.clock, principal, body_id, body)
    if updated.series_active:
        await generate_series(session, state.outbox, state.clock, principal, updated)
    return service.to_out(updated)


@router.get(
    "/{body_id}/members", response_model=list[BodyMemberOut], responses=problem_responses(401, 404, 422)
)
async def list_body_members(
    body_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> list[BodyMemberOut]:
    """Member units of a body (成员单位); liaison names for the office only."""
    body = await service.get_body(session, body_id)
    return [
        BodyMemberOut(
            unit_id=row["unit_id"],
            name=str(row["name"]),
            kind=str(row["kind"]),
            liaisons=[contact.name for contact in liaisons(row)] if principal.is_office else None,
        )
        for row in await service.members(session, body)
    ]
