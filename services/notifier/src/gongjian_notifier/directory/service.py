"""The directory (通知目录): who belongs to which unit, on which channels, signed in as which account."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import cast

from gongjian_notifier.directory.errors import ChannelUnavailable, PersonNotFound, UnitNotFound
from gongjian_notifier.directory.repository import DirectoryRepository, DirectoryUnit, Person
from gongjian_notifier.directory.schemas import (
    AccountLinkIn,
    PersonOut,
    PersonPreferencesIn,
    UnitPreferencesIn,
    UnitPreferencesOut,
)
from gongjian_notifier.models import PersonPreference, UnitPreference
from gongjian_notifier.settings import ChannelName
from gongjian_shared.auth import Principal, Role
from gongjian_shared.clock import Clock
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


def may_manage_unit(principal: Principal, unit_id: uuid.UUID) -> bool:
    return principal.is_office or (principal.unit_id == unit_id and principal.has(Role.LIAISON))


def may_manage_person(principal: Principal, preference: PersonPreference | None) -> bool:
    return principal.is_office or (preference is not None and preference.user_id == principal.user_id)


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
        user_id=pref.user_id if pref else None,
        username=pref.username if pref else None,
        updated_at=pref.updated_at if pref else None,
    )


async def existing_unit(directory: DirectoryRepository, unit_id: uuid.UUID) -> DirectoryUnit:
    unit = await directory.unit(unit_id)
    if unit is None:
        raise UnitNotFound(f"No unit {unit_id} in the directory (it arrives with `unit-updated`).")
    return unit


async def existing_person(directory: DirectoryRepository, person_id: uuid.UUID) -> Person:
    person = await directory.person(person_id)
    if person is None:
        raise PersonNotFound(f"No person {person_id} among the units' contacts.")
    return person


async def set_unit_preferences(
    directory: DirectoryRepository,
    clock: Clock,
    principal: Principal,
    unit_id: uuid.UUID,
    body: UnitPreferencesIn,
) -> tuple[DirectoryUnit, UnitPreference]:
    unit = await existing_unit(directory, unit_id)
    if not may_manage_unit(principal, unit_id):
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
    pref.updated_at = clock.now()
    await directory.flush()
    return unit, pref


async def set_person_preferences(
    directory: DirectoryRepository,
    clock: Clock,
    principal: Principal,
    person_id: uuid.UUID,
    body: PersonPreferencesIn,
) -> tuple[Person, PersonPreference, UnitPreference | None]:
    person = await existing_person(directory, person_id)
    pref = await directory.person_preference(person_id)
    if not may_manage_person(principal, pref):
        raise Forbidden("Only the office, an admin or the person themself may set these channels.")
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
    pref.updated_at = clock.now()
    await directory.flush()
    return person, pref, unit_pref


async def link_account(
    directory: DirectoryRepository,
    clock: Clock,
    principal: Principal,
    person_id: uuid.UUID,
    body: AccountLinkIn,
) -> tuple[Person, PersonPreference, UnitPreference | None]:
    if not principal.is_office:
        raise Forbidden("Only the office or an admin may link a person to an account.")
    person = await existing_person(directory, person_id)
    pref = await directory.person_preference(person_id)
    if pref is None:
        pref = PersonPreference(person_id=person_id)
        directory.add(pref)
    pref.user_id = body.user_id
    pref.username = body.username if body.user_id is not None else None
    pref.updated_by = principal.user_id
    pref.updated_at = clock.now()
    await directory.flush()
    return person, pref, await directory.unit_preference(person.unit_id)
