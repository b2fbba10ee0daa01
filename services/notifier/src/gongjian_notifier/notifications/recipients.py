"""From an audience to people with addresses: the liaisons (level 0), the heads and assigned leaders (level 1),
the office (level 2), each on the channels their preferences choose."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from gongjian_notifier.directory.repository import DirectoryRepository, DirectoryUnit, Person
from gongjian_notifier.directory.service import effective_channels
from gongjian_notifier.models import PersonPreference, UnitPreference
from gongjian_notifier.notifications.catalogue import Audience
from gongjian_notifier.settings import ChannelName, NotifierSettings
from gongjian_shared.events.projects import UnitContact

OFFICE_KEY = "office"
HEAD_ROLES = ("leader", "responsible")


@dataclass(frozen=True)
class Recipient:
    key: str
    kind: str
    name: str
    person_id: uuid.UUID | None
    unit_id: uuid.UUID | None
    channels: tuple[ChannelName, ...]
    email: str | None = None
    phone: str | None = None
    im_id: str | None = None
    wecom_webhook_url: str | None = None
    dingtalk_webhook_url: str | None = None
    digest: bool = True

    def address(self, channel: str) -> str | None:
        return {
            "inbox": self.key,
            "email": self.email,
            "sms": self.phone,
            "wecom": self.wecom_webhook_url,
            "dingtalk": self.dingtalk_webhook_url,
        }.get(channel)


@dataclass
class Resolution:
    recipients: list[Recipient] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def office_desk(settings: NotifierSettings) -> Recipient:
    office = settings.office
    return Recipient(
        key=OFFICE_KEY,
        kind="office",
        name=office.name,
        person_id=None,
        unit_id=None,
        channels=tuple(effective_channels(None, None, office.channels)),
        email=office.email,
        phone=office.phone,
        wecom_webhook_url=office.wecom_webhook_url,
        dingtalk_webhook_url=office.dingtalk_webhook_url,
    )


def _as_person(contact: UnitContact, unit_id: uuid.UUID | None, unit_name: str) -> Person:
    return Person(
        person_id=contact.person_id,
        unit_id=unit_id or uuid.UUID(int=0),
        unit_name=unit_name,
        role=contact.role,
        name=contact.name,
        phone=contact.phone,
        email=contact.email,
        im_id=contact.im_id,
    )


class RecipientResolver:
    """Resolves audiences, caching preferences for the resolver's life (one transaction)."""

    def __init__(self, directory: DirectoryRepository, settings: NotifierSettings) -> None:
        self._directory = directory
        self._settings = settings
        self._person_prefs: dict[uuid.UUID, PersonPreference | None] = {}
        self._unit_prefs: dict[uuid.UUID, UnitPreference | None] = {}

    async def prefetch(self, audiences: Iterable[Audience], units: Mapping[uuid.UUID, DirectoryUnit]) -> None:
        """Everyone an event may reach at level 0, in two queries rather than two per unit."""
        people = {p.person_id for unit in units.values() for p in unit.people}
        unit_ids = set(units)
        for audience in audiences:
            people.update(c.person_id for c in (*audience.liaisons, *audience.people))
            if audience.unit_id is not None:
                unit_ids.add(audience.unit_id)
        await self._load(people, unit_ids)

    async def _load(self, person_ids: Iterable[uuid.UUID], unit_ids: Iterable[uuid.UUID]) -> None:
        missing_people = [p for p in set(person_ids) if p not in self._person_prefs]
        found_people = await self._directory.person_preferences(missing_people)
        self._person_prefs |= {p: found_people.get(p) for p in missing_people}
        missing_units = [u for u in set(unit_ids) if u not in self._unit_prefs]
        found_units = await self._directory.unit_preferences(missing_units)
        self._unit_prefs |= {u: found_units.get(u) for u in missing_units}

    async def unit_preference(self, unit_id: uuid.UUID) -> UnitPreference | None:
        await self._load((), (unit_id,))
        return self._unit_prefs[unit_id]

    async def resolve(self, audience: Audience, unit: DirectoryUnit | None, level: int) -> Resolution:
        """Who hears of it at this level; an empty list means nobody in the directory can."""
        found = Resolution()
        unit_name = unit.name if unit else (audience.unit_name or "")
        known = {person.person_id: person for person in (unit.people if unit else ())}

        def current(contact: UnitContact) -> Person:
            # the directory's copy is the newer one when the event was written before a change
            return known.get(contact.person_id) or _as_person(contact, audience.unit_id, unit_name)

        people: list[Person] = []
        if audience.office or level >= 2:
            if level == 0:
                people.extend(current(c) for c in audience.people)
            found.recipients.append(office_desk(self._settings))
        elif level == 0:
            liaisons = [current(c) for c in audience.liaisons]
            people.extend(liaisons or (unit.with_role("liaison") if unit else []))
            people.extend(current(c) for c in audience.people)
        else:
            people.extend(unit.with_role(*HEAD_ROLES) if unit else [])
            leaders, unknown = await self._leaders(audience.leader_ids)
            people.extend(leaders)
            found.unknown.extend(f"包抓领导 {leader_id}" for leader_id in unknown)
        found.recipients.extend(await self._with_preferences(people))
        return found

    async def _leaders(self, ids: Sequence[uuid.UUID]) -> tuple[list[Person], list[uuid.UUID]]:
        """Assigned leaders, named by person id or by the account linked to a person."""
        if not ids:
            return [], []
        by_account = await self._directory.people_of_accounts(ids)
        person_ids = [by_account.get(i, i) for i in ids]
        found = await self._directory.people(person_ids)
        leaders = [found[p] for p in person_ids if p in found]
        unknown = [i for i, p in zip(ids, person_ids, strict=True) if p not in found]
        return leaders, unknown

    async def _with_preferences(self, people: Iterable[Person]) -> list[Recipient]:
        unique = {person.person_id: person for person in people}
        await self._load(unique, (p.unit_id for p in unique.values()))
        recipients = []
        for person in unique.values():
            unit_pref = self._unit_prefs[person.unit_id]
            person_pref = self._person_prefs[person.person_id]
            channels = effective_channels(person_pref, unit_pref, self._settings.default_channels)
            recipients.append(
                Recipient(
                    key=str(person.person_id),
                    kind="person",
                    name=person.name,
                    person_id=person.person_id,
                    unit_id=person.unit_id,
                    channels=tuple(channels),
                    email=person.email,
                    phone=person.phone,
                    im_id=person.im_id,
                    wecom_webhook_url=unit_pref.wecom_webhook_url if unit_pref else None,
                    dingtalk_webhook_url=unit_pref.dingtalk_webhook_url if unit_pref else None,
                    digest=unit_pref.digest if unit_pref else True,
                )
            )
        return recipients
