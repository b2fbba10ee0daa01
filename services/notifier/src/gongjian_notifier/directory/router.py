from __future__ import annotations

import uuid

from fastapi import Response

from gongjian_notifier.deps import CurrentScope, NotifierUnitOfWorkDep
from gongjian_notifier.directory import service
from gongjian_notifier.directory.schemas import (
    PersonOut,
    PersonPage,
    PersonPreferencesIn,
    UnitPreferencesIn,
    UnitPreferencesOut,
)
from gongjian_shared.concurrency import IF_MATCH_REQUIRED, IfMatchDep, etag_header, set_etag
from gongjian_shared.deps import CurrentPrincipal
from gongjian_shared.errors import problem_responses
from gongjian_shared.pagination import PagingDep
from gongjian_shared.routing import ServiceRouter

router = ServiceRouter(prefix="/api/v1/notification-preferences", tags=["notification-preferences"])


@router.get(
    "/units/{unit_id}",
    response_model=UnitPreferencesOut,
    responses=problem_responses(401, 404, 422) | etag_header(),
)
async def get_unit_preferences(
    unit_id: uuid.UUID, uow: NotifierUnitOfWorkDep, scope: CurrentScope, response: Response
) -> UnitPreferencesOut:
    """A unit's notification channels and IM robots (单位通知偏好): the office, the unit's own people, or a unit
    admin of the unit or a unit above it. Another unit's answers 404, as a unit not in the directory does."""
    preferences, revision = await service.get_unit_preferences(uow, scope, unit_id)
    set_etag(response, revision)
    return preferences


@router.put(
    "/units/{unit_id}",
    response_model=UnitPreferencesOut,
    responses=problem_responses(401, 403, 404, 412, 422, 428) | etag_header(),
    openapi_extra=IF_MATCH_REQUIRED,
)
async def set_unit_preferences(
    unit_id: uuid.UUID,
    body: UnitPreferencesIn,
    uow: NotifierUnitOfWorkDep,
    scope: CurrentScope,
    if_match: IfMatchDep,
    response: Response,
) -> UnitPreferencesOut:
    """Set a unit's channels, WeCom/DingTalk robots, digest and escalation delay (设置单位通知偏好).

    The office, the unit's liaison, or a unit admin of the unit or a unit above it (another unit's: 404).
    Choosing `wecom` or `dingtalk` needs that robot's URL. A robot URL is https to the vendor's robot host
    (the settings' allow-list) and must not resolve to a private, loopback or link-local address (422
    naming the field). Each change is recorded: who, when, from what to what. `If-Match` carries the ETag
    read (`"0"` while the unit has only the defaults); 428 without it, 412 when stale.
    """
    preferences, revision = await service.set_unit_preferences(uow, scope, unit_id, body, if_match)
    set_etag(response, revision)
    return preferences


@router.get("/me", response_model=PersonPage, responses=problem_responses(401, 422))
async def my_preferences(
    uow: NotifierUnitOfWorkDep, principal: CurrentPrincipal, paging: PagingDep
) -> PersonPage:
    """The contacts the caller's account is linked to (its account links), with their channels (我的通知偏好)."""
    found = await service.my_preferences(uow, principal)
    return PersonPage.cut(found, paging)


@router.get(
    "/people/{person_id}",
    response_model=PersonOut,
    responses=problem_responses(401, 403, 404, 422) | etag_header(),
)
async def get_person_preferences(
    person_id: uuid.UUID, uow: NotifierUnitOfWorkDep, scope: CurrentScope, response: Response
) -> PersonOut:
    """A person's channels and linked account (个人通知偏好): the office, or the person's own account (an
    account linked to the contact). A person of another unit answers 404."""
    preferences, revision = await service.get_person_preferences(uow, scope, person_id)
    set_etag(response, revision)
    return preferences


@router.put(
    "/people/{person_id}",
    response_model=PersonOut,
    responses=problem_responses(401, 403, 404, 412, 422, 428) | etag_header(),
    openapi_extra=IF_MATCH_REQUIRED,
)
async def set_person_preferences(
    person_id: uuid.UUID,
    body: PersonPreferencesIn,
    uow: NotifierUnitOfWorkDep,
    scope: CurrentScope,
    if_match: IfMatchDep,
    response: Response,
) -> PersonOut:
    """Set a person's channels (设置个人通知偏好): the office, or the person's own account (an account linked
    to the contact). A person of another unit answers 404. `If-Match` carries the ETag read (`"0"` while
    the person has only the defaults); 428 without it, 412 when stale."""
    preferences, revision = await service.set_person_preferences(uow, scope, person_id, body, if_match)
    set_etag(response, revision)
    return preferences
