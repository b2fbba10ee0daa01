"""The directory (通知目录): who belongs to which unit, on which channels, signed in as which account.

Who may see and set what is decided in `gongjian_notifier.access` on the shared policy: another unit's unit or
person answers 404, as a missing one does.
"""

from __future__ import annotations

import hashlib
import urllib.parse
import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_notifier import access
from gongjian_notifier.directory.accounts import AccountRepository
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
from gongjian_notifier.models import Account, PersonPreference, PreferenceChange, UnitPreference
from gongjian_notifier.outbound import OutboundPolicy
from gongjian_notifier.settings import ChannelName
from gongjian_shared.access import Scope
from gongjian_shared.auth import Principal
from gongjian_shared.concurrency import require_if_match
from gongjian_shared.errors import FieldError, Forbidden, field_error
from gongjian_shared.uow import UnitOfWork

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


def revision_of(pref: UnitPreference | PersonPreference | None) -> int:
    """The ETag revision of a preference; 0 while none is stored (the defaults apply)."""
    return pref.revision if pref is not None else 0


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


async def _outbound_errors(policy: OutboundPolicy, urls: dict[str, object]) -> list[FieldError]:
    """Robot URLs that may not be called (http, a host off the allow-list, an intranet address). A host
    that does not resolve now is let through: it is checked again, and refused then, before each send."""
    errors = []
    for channel, field in ROBOT_CHANNELS.items():
        url = urls.get(field)
        refusal = await policy.refusal(channel, str(url)) if url else None
        if refusal is not None and refusal.permanent:
            errors.append(field_error(field, "outbound-url", refusal.message, refusal.message_zh))
    return errors


def _masked(url: str | None) -> str | None:
    """A robot URL for the change record: the query's values (the robot's key or token) shortened."""
    if url is None:
        return None
    parts = urllib.parse.urlsplit(url)
    query = [
        (name, f"***{value[-4:]}" if len(value) > 8 else "***")
        for name, value in urllib.parse.parse_qsl(parts.query)
    ]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query, safe="*")))


def _fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:8]


def _settings_of(pref: UnitPreference | None) -> dict[str, str | None]:
    if pref is None:
        return dict.fromkeys(("channels", "wecom_webhook_url", "dingtalk_webhook_url", "dingtalk_secret"))
    return {
        "channels": ",".join(pref.channels) if pref.channels is not None else None,
        "wecom_webhook_url": _masked(pref.wecom_webhook_url),
        "dingtalk_webhook_url": _masked(pref.dingtalk_webhook_url),
        # a fingerprint, never the secret: enough to see that one secret replaced another
        "dingtalk_secret": f"set #{_fingerprint(pref.dingtalk_secret)}" if pref.dingtalk_secret else None,
    }


def _record_changes(
    directory: DirectoryRepository,
    unit_id: uuid.UUID,
    before: dict[str, str | None],
    pref: UnitPreference,
    who: uuid.UUID,
    when: datetime,
) -> None:
    after = _settings_of(pref)
    for field, old in before.items():
        if after[field] != old:
            directory.add(
                PreferenceChange(
                    unit_id=unit_id,
                    field=field,
                    old_value=old,
                    new_value=after[field],
                    changed_by=who,
                    changed_at=when,
                )
            )


async def set_unit_preferences(
    uow: UnitOfWork,
    scope: Scope,
    unit_id: uuid.UUID,
    body: UnitPreferencesIn,
    policy: OutboundPolicy,
    if_match: str | None,
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
    if refused := await _outbound_errors(policy, urls):
        raise OutboundUrlRefused(
            "A robot URL must be https to the vendor's robot host and reach no intranet address.",
            errors=refused,
        )
    pref = await directory.unit_preference(unit_id)
    require_if_match(if_match, revision_of(pref))
    before = _settings_of(pref)
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
    _record_changes(directory, unit_id, before, pref, principal.user_id, pref.updated_at)
    await directory.flush()
    return unit, pref


async def set_person_preferences(
    uow: UnitOfWork, scope: Scope, person_id: uuid.UUID, body: PersonPreferencesIn, if_match: str | None
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
    require_if_match(if_match, revision_of(pref))
    if pref is None:
        pref = PersonPreference(person_id=person_id)
        directory.add(pref)
    pref.channels = list(body.channels) if body.channels is not None else None
    pref.updated_by = principal.user_id
    pref.updated_at = uow.clock.now()
    await directory.flush()
    return person, pref, unit_pref, await account_of(uow.session, person_id)
