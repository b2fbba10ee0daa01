"""The directory (通知目录): who belongs to which unit, on which channels, signed in as which account.

Who may see and set what is decided in `gongjian_notifier.access` on the shared policy: another unit's unit or
person answers 404, as a missing one does.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_notifier import access
from gongjian_notifier.directory.accounts import AccountRepository
from gongjian_notifier.directory.errors import ChannelUnavailable, PersonNotFound, UnitNotFound
from gongjian_notifier.directory.repository import DirectoryRepository, DirectoryUnit, Person
from gongjian_notifier.directory.schemas import (
    PersonOut,
    PersonPreferencesIn,
    UnitPreferencesIn,
    UnitPreferencesOut,
)
from gongjian_notifier.models import Account, PersonPreference, UnitPreference
from gongjian_notifier.settings import ChannelName
from gongjian_shared.access import Scope
from gongjian_shared.auth import Principal
from gongjian_shared.deps import UnitOfWork
from gongjian_shared.errors import FieldError, Forbidden, field_error

ROBOT_CHANNELS = {"wecom": "wecom_webhook_url", "dingtalk": "dingtalk_webhook_url"}


def effective_channels(
    person: PersonPreference | None, unit: UnitPreference | None, defaults: Sequence[ChannelName]
) -> list[ChannelName]:
    """The person's choice, else the unit's, else the platform's; the inbox always, first."""
    chosen: Sequence[str] = defaults
    if unit is not None and unit.channels is not None:
        chosen = unit.channels
    if person is not None and person.channels is not None:
        chosen = person.channels
    ordered = ["inbox", *(name for name in chosen if name != "inbox")]
    return [cast(ChannelName, name) for name in dict.fromkeys(ordered)]


async def linked_contacts(session: AsyncSession, principal: Principal) -> list[uuid.UUID]:
    """The contacts the caller's account is (its `links.contact_ids`); none for a disabled account."""
    account = await AccountRepository(session).get(principal.user_id)
    return list(account.contact_ids) if account is not None and account.active else []


def _robot_errors(field: str, channels: Sequence[str] | None, urls: dict[str, object]) -> list[FieldError]:
    errors = []
    for index, name in enumerate(channels or ()):
        if name in ROBOT_CHANNELS and not urls.get(ROBOT_CHANNELS[name]):
            errors.append(
                field_error(
                    f"{field}.{index}",
                    "robot-required",
                    f"The unit has no {name} robot URL ({ROBOT_CHANNELS[name]}).",
                    f"单位尚未设置{'企业微信' if name == 'wecom' else '钉钉'}群机器人地址",
                )
            )
    return errors


def unit_out(
    unit: DirectoryUnit, pref: UnitPreference | None, defaults: Sequence[ChannelName]
) -> UnitPreferencesOut:
    return UnitPreferencesOut(
        unit_id=unit.unit_id,
        unit_name=unit.name,
        channels=cast(list[ChannelName] | None, pref.channels if pref else None),
        effective_channels=effective_channels(None, pref, defaults),
        wecom_webhook_url=pref.wecom_webhook_url if pref else None,
        dingtalk_webhook_url=pref.dingtalk_webhook_url if pref else None,
        dingtalk_secret_set=bool(pref and pref.dingtalk_secret),
        digest=pref.digest if pref else True,
        escalate_after_hours=pref.escalate_after_hours if pref else None,
        updated_at=pref.updated_at if pref else None,
    )


def person_out(
    person: Person,
    pref: PersonPreference | None,
    unit_pref: UnitPreference | None,
    defaults: Sequence[ChannelName],
    account: Account | None = None,
) -> PersonOut:
    return PersonOut(
        person_id=person.person_id,
        unit_id=person.unit_id,
        unit_name=person.unit_name,
        role=person.role,
        name=person.name,
        has_email=bool(person.email),
        has_phone=bool(person.phone),
        channels=cast(list[ChannelName] | None, pref.channels if pref else None),
        effective_channels=effective_channels(pref, unit_pref, defaults),
        user_id=account.account_id if account else None,
        username=account.username if account else None,
        updated_at=pref.updated_at if pref else None,
    )


async def visible_unit(directory: DirectoryRepository, scope: Scope, unit_id: uuid.UUID) -> DirectoryUnit:
    """The unit, if it exists and the caller may see it; otherwise 404 (another unit's id reveals nothing)."""
    unit = await directory.unit(unit_id) if access.may_see_unit(scope, unit_id) else None
    if unit is None:
        raise UnitNotFound(f"No unit {unit_id} in the directory (it arrives with `unit-updated`).")
    return unit


async def visible_person(
    directory: DirectoryRepository, scope: Scope, person_id: uuid.UUID, linked: Collection[uuid.UUID]
) -> Person:
    """The person, if a contact of a unit and the caller may see them; otherwise 404."""
    person = await directory.person(person_id)
    if person is None or not access.may_see_person(scope, person_id, person.unit_id, linked):
        raise PersonNotFound(f"No person {person_id} among the units' contacts.")
    return person


async def account_of(session: AsyncSession, person_id: uuid.UUID) -> Account | None:
    """The (first active) account linked to a contact."""
    linked = (await AccountRepository(session).linking([person_id])).get(person_id, [])
    return next((account for account in linked if account.active), None)


async def get_person(
    uow: UnitOfWork, scope: Scope, person_id: uuid.UUID
) -> tuple[Person, PersonPreference | None, UnitPreference | None, Account | None]:
    directory = DirectoryRepository(uow.session)
    linked = await linked_contacts(uow.session, scope.principal)
    person = await visible_person(directory, scope, person_id, linked)
    if not access.may_manage_person(scope, person_id, linked):
        raise Forbidden("Only the office or the person themself may see these channels.")
    return (
        person,
        await directory.person_preference(person_id),
        await directory.unit_preference(person.unit_id),
        await account_of(uow.session, person_id),
    )


async def set_unit_preferences(
    uow: UnitOfWork, scope: Scope, unit_id: uuid.UUID, body: UnitPreferencesIn
) -> tuple[DirectoryUnit, UnitPreference]:
    principal = scope.principal
    directory = DirectoryRepository(uow.session)
    unit = await visible_unit(directory, scope, unit_id)
    if not access.may_manage_unit(scope, unit_id):
        raise Forbidden("Only the office, an admin or the unit's liaison may set the unit's channels.")
    urls = {name: body.model_dump(mode="json").get(name) for name in ROBOT_CHANNELS.values()}
    errors = _robot_errors("channels", body.channels, urls)
    if body.dingtalk_webhook_url is None and body.dingtalk_secret:
        errors.append(
            field_error(
                "dingtalk_secret",
                "robot-required",
                "A secret needs a DingTalk robot URL.",
                "加签密钥需配合钉钉机器人地址",
            )
        )
    if errors:
        raise ChannelUnavailable(errors=errors)
    pref = await directory.unit_preference(unit_id)
    if pref is None:
        pref = UnitPreference(unit_id=unit_id)
        directory.add(pref)
    pref.channels = list(body.channels) if body.channels is not None else None
    pref.wecom_webhook_url = str(urls["wecom_webhook_url"]) if urls["wecom_webhook_url"] else None
    pref.dingtalk_webhook_url = str(urls["dingtalk_webhook_url"]) if urls["dingtalk_webhook_url"] else None
    if body.dingtalk_secret is not None:
        pref.dingtalk_secret = body.dingtalk_secret.get_secret_value() or None
    if pref.dingtalk_webhook_url is None:
        pref.dingtalk_secret = None
    pref.digest = body.digest
    pref.escalate_after_hours = body.escalate_after_hours
    pref.updated_by = principal.user_id
    pref.updated_at = uow.clock.now()
    await directory.flush()
    return unit, pref


async def set_person_preferences(
    uow: UnitOfWork, scope: Scope, person_id: uuid.UUID, body: PersonPreferencesIn
) -> tuple[Person, PersonPreference, UnitPreference | None, Account | None]:
    principal = scope.principal
    directory = DirectoryRepository(uow.session)
    linked = await linked_contacts(uow.session, principal)
    person = await visible_person(directory, scope, person_id, linked)
    if not access.may_manage_person(scope, person_id, linked):
        raise Forbidden("Only the office or the person themself may set these channels.")
    pref = await directory.person_preference(person_id)
    unit_pref = await directory.unit_preference(person.unit_id)
    urls = {name: getattr(unit_pref, name, None) for name in ROBOT_CHANNELS.values()}
    errors = _robot_errors("channels", body.channels, urls)
    if errors:
        raise ChannelUnavailable(errors=errors)
    if pref is None:
        pref = PersonPreference(person_id=person_id)
        directory.add(pref)
    pref.channels = list(body.channels) if body.channels is not None else None
    pref.updated_by = principal.user_id
    pref.updated_at = uow.clock.now()
    await directory.flush()
    return person, pref, unit_pref, await account_of(uow.session, person_id)
