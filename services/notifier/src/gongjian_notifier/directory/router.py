from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from gongjian_notifier.directory import service
from gongjian_notifier.directory.repository import DirectoryRepository
from gongjian_notifier.directory.schemas import (
    AccountLinkIn,
    PersonOut,
    PersonPreferencesIn,
    UnitPreferencesIn,
    UnitPreferencesOut,
)
from gongjian_notifier.settings import NotifierSettings
from gongjian_shared.auth import CurrentPrincipal
from gongjian_shared.clock import Clock
from gongjian_shared.db import SessionDep
from gongjian_shared.errors import Forbidden, problem_responses

router = APIRouter(prefix="/api/v1/notification-preferences", tags=["notification-preferences"])


def _settings(request: Request) -> NotifierSettings:
    settings: NotifierSettings = request.app.state.context.settings
    return settings


def _clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


@router.get(
    "/units/{unit_id}", response_model=UnitPreferencesOut, responses=problem_responses(401, 403, 404, 422)
)
async def get_unit_preferences(
    unit_id: uuid.UUID, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> UnitPreferencesOut:
    """A unit's notification channels and IM robots (单位通知偏好)."""
    directory = DirectoryRepository(session)
    unit = await service.existing_unit(directory, unit_id)
    if not (principal.is_office or principal.unit_id == unit_id):
        raise Forbidden("Only the office, an admin or the unit itself may see its channels.")
    pref = await directory.unit_preference(unit_id)
    return service.unit_out(unit, pref, _settings(request).default_channels)


@router.put(
    "/units/{unit_id}", response_model=UnitPreferencesOut, responses=problem_responses(401, 403, 404, 422)
)
async def set_unit_preferences(
    unit_id: uuid.UUID,
    body: UnitPreferencesIn,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> UnitPreferencesOut:
    """Set a unit's channels, WeCom/DingTalk robots, digest and escalation delay (设置单位通知偏好).

    The office, an admin, or the unit's liaison. Choosing `wecom` or `dingtalk` needs that robot's URL.
    """
    unit, pref = await service.set_unit_preferences(
        DirectoryRepository(session), _clock(request), principal, unit_id, body
    )
    return service.unit_out(unit, pref, _settings(request).default_channels)


@router.get("/me", response_model=list[PersonOut], responses=problem_responses(401))
async def my_preferences(
    request: Request, session: SessionDep, principal: CurrentPrincipal
) -> list[PersonOut]:
    """The contacts the caller's account is linked to, with their channels (我的通知偏好)."""
    directory = DirectoryRepository(session)
    person_ids = await directory.linked_people(principal.user_id)
    return await _people_out(directory, person_ids, _settings(request))


@router.get("/people/{person_id}", response_model=PersonOut, responses=problem_responses(401, 403, 404, 422))
async def get_person_preferences(
    person_id: uuid.UUID, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> PersonOut:
    """A person's channels and linked account (个人通知偏好)."""
    directory = DirectoryRepository(session)
    await service.existing_person(directory, person_id)
    if not service.may_manage_person(principal, await directory.person_preference(person_id)):
        raise Forbidden("Only the office, an admin or the person themself may see these channels.")
    return (await _people_out(directory, [person_id], _settings(request)))[0]


@router.put("/people/{person_id}", response_model=PersonOut, responses=problem_responses(401, 403, 404, 422))
async def set_person_preferences(
    person_id: uuid.UUID,
    body: PersonPreferencesIn,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> PersonOut:
    """Set a person's channels (设置个人通知偏好): the office, an admin, or the person's own account."""
    settings = _settings(request)
    person, pref, unit_pref = await service.set_person_preferences(
        DirectoryRepository(session), _clock(request), principal, person_id, body
    )
    return service.person_out(person, pref, unit_pref, settings.default_channels)


@router.put(
    "/people/{person_id}/account", response_model=PersonOut, responses=problem_responses(401, 403, 404, 422)
)
async def link_person_account(
    person_id: uuid.UUID,
    body: AccountLinkIn,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> PersonOut:
    """Link a contact to the account they sign in with (关联登录账号); only then do they see their inbox."""
    settings = _settings(request)
    person, pref, unit_pref = await service.link_account(
        DirectoryRepository(session), _clock(request), principal, person_id, body
    )
    return service.person_out(person, pref, unit_pref, settings.default_channels)


async def _people_out(
    directory: DirectoryRepository, person_ids: list[uuid.UUID], settings: NotifierSettings
) -> list[PersonOut]:
    people = await directory.people(person_ids)
    prefs = await directory.person_preferences(person_ids)
    unit_prefs = await directory.unit_preferences(p.unit_id for p in people.values())
    return [
        service.person_out(person, prefs.get(pid), unit_prefs.get(person.unit_id), settings.default_channels)
        for pid in person_ids
        if (person := people.get(pid)) is not None
    ]
