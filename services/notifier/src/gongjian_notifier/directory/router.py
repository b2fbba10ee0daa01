from __future__ import annotations

import uuid

from fastapi import APIRouter

from gongjian_notifier.deps import CurrentScope, SettingsDep
from gongjian_notifier.directory import service
from gongjian_notifier.directory.accounts import AccountRepository
from gongjian_notifier.directory.repository import DirectoryRepository
from gongjian_notifier.directory.schemas import (
    PersonOut,
    PersonPreferencesIn,
    UnitPreferencesIn,
    UnitPreferencesOut,
)
from gongjian_shared.deps import CurrentPrincipal, UnitOfWorkDep
from gongjian_shared.errors import problem_responses

router = APIRouter(prefix="/api/v1/notification-preferences", tags=["notification-preferences"])


@router.get("/units/{unit_id}", response_model=UnitPreferencesOut, responses=problem_responses(401, 404, 422))
async def get_unit_preferences(
    unit_id: uuid.UUID, uow: UnitOfWorkDep, settings: SettingsDep, scope: CurrentScope
) -> UnitPreferencesOut:
    """A unit's notification channels and IM robots (单位通知偏好): the office, the unit's own people, or a unit
    admin of the unit or a unit above it. Another unit's answers 404, as a unit not in the directory does."""
    directory = DirectoryRepository(uow.session)
    unit = await service.visible_unit(directory, scope, unit_id)
    pref = await directory.unit_preference(unit_id)
    return service.unit_out(unit, pref, settings.default_channels)


@router.put(
    "/units/{unit_id}", response_model=UnitPreferencesOut, responses=problem_responses(401, 403, 404, 422)
)
async def set_unit_preferences(
    unit_id: uuid.UUID,
    body: UnitPreferencesIn,
    uow: UnitOfWorkDep,
    settings: SettingsDep,
    scope: CurrentScope,
) -> UnitPreferencesOut:
    """Set a unit's channels, WeCom/DingTalk robots, digest and escalation delay (设置单位通知偏好).

    The office, the unit's liaison, or a unit admin of the unit or a unit above it (another unit's: 404).
    Choosing `wecom` or `dingtalk` needs that robot's URL.
    """
    unit, pref = await service.set_unit_preferences(uow, scope, unit_id, body)
    return service.unit_out(unit, pref, settings.default_channels)


@router.get("/me", response_model=list[PersonOut], responses=problem_responses(401))
async def my_preferences(
    uow: UnitOfWorkDep, settings: SettingsDep, principal: CurrentPrincipal
) -> list[PersonOut]:
    """The contacts the caller's account is linked to (its account links), with their channels (我的通知偏好)."""
    person_ids = await service.linked_contacts(uow.session, principal)
    directory = DirectoryRepository(uow.session)
    people = await directory.people(person_ids)
    prefs = await directory.person_preferences(person_ids)
    unit_prefs = await directory.unit_preferences(p.unit_id for p in people.values())
    account = await AccountRepository(uow.session).get(principal.user_id)
    return [
        service.person_out(
            person, prefs.get(pid), unit_prefs.get(person.unit_id), settings.default_channels, account
        )
        for pid in person_ids
        if (person := people.get(pid)) is not None
    ]


@router.get("/people/{person_id}", response_model=PersonOut, responses=problem_responses(401, 403, 404, 422))
async def get_person_preferences(
    person_id: uuid.UUID, uow: UnitOfWorkDep, settings: SettingsDep, scope: CurrentScope
) -> PersonOut:
    """A person's channels and linked account (个人通知偏好): the office, or the person's own account (an
    account linked to the contact). A person of another unit answers 404."""
    person, pref, unit_pref, account = await service.get_person(uow, scope, person_id)
    return service.person_out(person, pref, unit_pref, settings.default_channels, account)


@router.put("/people/{person_id}", response_model=PersonOut, responses=problem_responses(401, 403, 404, 422))
async def set_person_preferences(
    person_id: uuid.UUID,
    body: PersonPreferencesIn,
    uow: UnitOfWorkDep,
    settings: SettingsDep,
    scope: CurrentScope,
) -> PersonOut:
    """Set a person's channels (设置个人通知偏好): the office, or the person's own account (an account linked
    to the contact). A person of another unit answers 404."""
    person, pref, unit_pref, account = await service.set_person_preferences(uow, scope, person_id, body)
    return service.person_out(person, pref, unit_pref, settings.default_channels, account)
