"""The directory (通知目录): who belongs to which unit, on which channels, signed in as which account.

Who may see and set what is decided in `gongjian_notifier.access` on the shared policy: another unit's unit or
person answers 404, as a missing one does. Each answer comes with the preference's revision (the ETag).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from typing import cast

from gongjian_notifier import access
from gongjian_notifier.directory.accounts import AccountRepository
from gongjian_notifier.directory.changes import record_changes, recorded_settings
from gongjian_notifier.directory.errors import (
    ChannelUnavailable,
    OutboundUrlRefused,
    PersonNotFound,
    UnitNotFound,
)
from gongjian_notifier.directory.repository import DirectoryRepository, DirectoryUnit, Person
from gongjian_notifier.directory.schemas import (
    PersonOut,
    PersonPreferencesIn,
    UnitPreferencesIn,
    UnitPreferencesOut,
)
from gongjian_notifier.models import Account, PersonPreference, UnitPreference
from gongjian_notifier.outbound import OutboundPolicy
from gongjian_notifier.runtime import NotifierUnitOfWork
from gongjian_notifier.settings import ChannelName
from gongjian_shared.access import Scope
from gongjian_shared.auth import Principal
from gongjian_shared.concurrency import require_if_match
from gongjian_shared.errors import FieldError, Forbidden, field_error
from gongjian_shared.events.accounts import AccountState
from gongjian_shared.events.envelope import EventEnvelope
from gongjian_shared.uow import UnitOfWork

ROBOT_CHANNELS = {"wecom": "wecom_webhook_url", "dingtalk": "dingtalk_webhook_url"}

# What a unit's or a person's preferences answer: the preferences and their revision (the ETag).
UnitAnswer = tuple[UnitPreferencesOut, int]
PersonAnswer = tuple[PersonOut, int]


async def replicate_account(uow: UnitOfWork, account: AccountState, envelope: EventEnvelope) -> None:
    """Keep the accounts replica: the later event wins, a replayed older one changes nothing."""
    await AccountRepository(uow.session).apply(account, envelope)


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


async def get_unit_preferences(uow: NotifierUnitOfWork, scope: Scope, unit_id: uuid.UUID) -> UnitAnswer:
    directory = DirectoryRepository(uow.session)
    unit = await _visible_unit(directory, scope, unit_id)
    pref = await directory.unit_preference(unit_id)
    return _unit_out(uow, unit, pref), _revision_of(pref)


async def set_unit_preferences(
    uow: NotifierUnitOfWork, scope: Scope, unit_id: uuid.UUID, body: UnitPreferencesIn, if_match: str | None
) -> UnitAnswer:
    """Set a unit's channels and robots, recording each change (robot keys masked, the secret fingerprinted)."""
    principal = scope.principal
    directory = DirectoryRepository(uow.session)
    unit = await _visible_unit(directory, scope, unit_id)
    if not access.may_manage_unit(scope, unit_id):
        raise Forbidden("Only the office, an admin or the unit's liaison may set the unit's channels.")
    urls = {name: body.model_dump(mode="json").get(name) for name in ROBOT_CHANNELS.values()}
    _check_robots(body.channels, urls, secret_without_robot=bool(body.dingtalk_secret))
    await _check_outbound(OutboundPolicy(uow.notifier.settings), urls)
    pref = await directory.unit_preference(unit_id)
    require_if_match(if_match, _revision_of(pref))
    before = recorded_settings(pref)
    if pref is None:
        pref = UnitPreference(unit_id=unit_id)
        directory.add(pref)
    _apply_unit_preferences(pref, body, urls)
    pref.updated_by = principal.user_id
    pref.updated_at = uow.clock.now()
    record_changes(directory, unit_id, before, pref, principal.user_id, pref.updated_at)
    await directory.flush()
    return _unit_out(uow, unit, pref), _revision_of(pref)


async def my_preferences(uow: NotifierUnitOfWork, principal: Principal) -> list[PersonOut]:
    """The contacts the caller's account is linked to, with their channels, in the order of the links."""
    accounts = AccountRepository(uow.session)
    person_ids = await _linked_contacts(accounts, principal)
    directory = DirectoryRepository(uow.session)
    people = await directory.people(person_ids)
    prefs = await directory.person_preferences(person_ids)
    unit_prefs = await directory.unit_preferences(p.unit_id for p in people.values())
    account = await accounts.get(principal.user_id)
    return [
        _person_out(uow, person, prefs.get(pid), unit_prefs.get(person.unit_id), account)
        for pid in person_ids
        if (person := people.get(pid)) is not None
    ]


async def get_person_preferences(uow: NotifierUnitOfWork, scope: Scope, person_id: uuid.UUID) -> PersonAnswer:
    directory = DirectoryRepository(uow.session)
    accounts = AccountRepository(uow.session)
    linked = await _linked_contacts(accounts, scope.principal)
    person = await _visible_person(directory, scope, person_id, linked)
    if not access.may_manage_person(scope, person_id, linked):
        raise Forbidden("Only the office or the person themself may see these channels.")
    pref = await directory.person_preference(person_id)
    unit_pref = await directory.unit_preference(person.unit_id)
    account = await _account_of(accounts, person_id)
    return _person_out(uow, person, pref, unit_pref, account), _revision_of(pref)


async def set_person_preferences(
    uow: NotifierUnitOfWork,
    scope: Scope,
    person_id: uuid.UUID,
    body: PersonPreferencesIn,
    if_match: str | None,
) -> PersonAnswer:
    principal = scope.principal
    directory = DirectoryRepository(uow.session)
    accounts = AccountRepository(uow.session)
    linked = await _linked_contacts(accounts, principal)
    person = await _visible_person(directory, scope, person_id, linked)
    if not access.may_manage_person(scope, person_id, linked):
        raise Forbidden("Only the office or the person themself may set these channels.")
    pref = await directory.person_preference(person_id)
    unit_pref = await directory.unit_preference(person.unit_id)
    _check_robots(body.channels, _stored_robot_urls(unit_pref))
    require_if_match(if_match, _revision_of(pref))
    if pref is None:
        pref = PersonPreference(person_id=person_id)
        directory.add(pref)
    pref.channels = list(body.channels) if body.channels is not None else None
    pref.updated_by = principal.user_id
    pref.updated_at = uow.clock.now()
    await directory.flush()
    account = await _account_of(accounts, person_id)
    return _person_out(uow, person, pref, unit_pref, account), _revision_of(pref)


def _revision_of(pref: UnitPreference | PersonPreference | None) -> int:
    """The ETag revision of a preference; 0 while none is stored (the defaults apply)."""
    return pref.revision if pref is not None else 0


async def _linked_contacts(accounts: AccountRepository, principal: Principal) -> list[uuid.UUID]:
    """The contacts the caller's account is (its `links.contact_ids`); none for a disabled account."""
    account = await accounts.get(principal.user_id)
    return list(account.contact_ids) if account is not None and account.active else []


async def _account_of(accounts: AccountRepository, person_id: uuid.UUID) -> Account | None:
    """The (first active) account linked to a contact."""
    linked = (await accounts.linking([person_id])).get(person_id, [])
    return next((account for account in linked if account.active), None)


async def _visible_unit(directory: DirectoryRepository, scope: Scope, unit_id: uuid.UUID) -> DirectoryUnit:
    """The unit, if it exists and the caller may see it; otherwise 404 (another unit's id reveals nothing)."""
    unit = await directory.unit(unit_id) if access.may_see_unit(scope, unit_id) else None
    if unit is None:
        raise UnitNotFound(f"No unit {unit_id} in the directory (it arrives with `unit-updated`).")
    return unit


async def _visible_person(
    directory: DirectoryRepository, scope: Scope, person_id: uuid.UUID, linked: Collection[uuid.UUID]
) -> Person:
    """The person, if a contact of a unit and the caller may see them; otherwise 404."""
    person = await directory.person(person_id)
    if person is None or not access.may_see_person(scope, person_id, person.unit_id, linked):
        raise PersonNotFound(f"No person {person_id} among the units' contacts.")
    return person


def _check_robots(
    channels: Sequence[str] | None, urls: Mapping[str, object], *, secret_without_robot: bool = False
) -> None:
    """A chosen robot channel needs its robot URL; a DingTalk secret needs the DingTalk robot (422)."""
    errors = _robot_errors("channels", channels, urls)
    if secret_without_robot and urls.get("dingtalk_webhook_url") is None:
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


def _stored_robot_urls(pref: UnitPreference | None) -> dict[str, object]:
    return {
        "wecom_webhook_url": pref.wecom_webhook_url if pref else None,
        "dingtalk_webhook_url": pref.dingtalk_webhook_url if pref else None,
    }


def _robot_errors(field: str, channels: Sequence[str] | None, urls: Mapping[str, object]) -> list[FieldError]:
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


async def _check_outbound(policy: OutboundPolicy, urls: Mapping[str, object]) -> None:
    """Robot URLs that may not be called (http, a host off the allow-list, an intranet address): 422. A host
    that does not resolve now is let through: it is checked again, and refused then, before each send."""
    errors = []
    for channel, field in ROBOT_CHANNELS.items():
        url = urls.get(field)
        refusal = await policy.refusal(channel, str(url)) if url else None
        if refusal is not None and refusal.permanent:
            errors.append(field_error(field, "outbound-url", refusal.message, refusal.message_zh))
    if errors:
        raise OutboundUrlRefused(
            "A robot URL must be https to the vendor's robot host and reach no intranet address.",
            errors=errors,
        )


def _apply_unit_preferences(
    pref: UnitPreference, body: UnitPreferencesIn, urls: Mapping[str, object]
) -> None:
    """The request's settings on the row; an omitted secret keeps the stored one, no DingTalk robot drops it."""
    pref.channels = list(body.channels) if body.channels is not None else None
    pref.wecom_webhook_url = str(urls["wecom_webhook_url"]) if urls["wecom_webhook_url"] else None
    pref.dingtalk_webhook_url = str(urls["dingtalk_webhook_url"]) if urls["dingtalk_webhook_url"] else None
    if body.dingtalk_secret is not None:
        pref.dingtalk_secret = body.dingtalk_secret.get_secret_value() or None
    if pref.dingtalk_webhook_url is None:
        pref.dingtalk_secret = None
    pref.digest = body.digest
    pref.escalate_after_hours = body.escalate_after_hours


def _unit_out(
    uow: NotifierUnitOfWork, unit: DirectoryUnit, pref: UnitPreference | None
) -> UnitPreferencesOut:
    return UnitPreferencesOut(
        unit_id=unit.unit_id,
        unit_name=unit.name,
        channels=cast(list[ChannelName] | None, pref.channels if pref else None),
        effective_channels=effective_channels(None, pref, uow.notifier.settings.default_channels),
        wecom_webhook_url=pref.wecom_webhook_url if pref else None,
        dingtalk_webhook_url=pref.dingtalk_webhook_url if pref else None,
        dingtalk_secret_set=bool(pref and pref.dingtalk_secret),
        digest=pref.digest if pref else True,
        escalate_after_hours=pref.escalate_after_hours if pref else None,
        updated_at=pref.updated_at if pref else None,
    )


def _person_out(
    uow: NotifierUnitOfWork,
    person: Person,
    pref: PersonPreference | None,
    unit_pref: UnitPreference | None,
    account: Account | None,
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
        effective_channels=effective_channels(pref, unit_pref, uow.notifier.settings.default_channels),
        user_id=account.account_id if account else None,
        username=account.username if account else None,
        updated_at=pref.updated_at if pref else None,
    )
