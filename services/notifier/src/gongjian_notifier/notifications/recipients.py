"""From an audience to people with addresses: the liaisons (level 0), the heads and assigned leaders (level 1),
the office (level 2), each on the channels their preferences choose."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_notifier.directory.accounts import AccountRepository
from gongjian_notifier.directory.repository import DirectoryRepository, DirectoryUnit, Person
from gongjian_notifier.directory.service import effective_channels
from gongjian_notifier.models import Account, PersonPreference, UnitPreference
from gongjian_notifier.notifications.audiences import Audience
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
    account_id: uuid.UUID | None = None
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
    """Resolves audiences, caching preferences and accounts for the resolver's life (one transaction).

    People are reached through the accounts linked to them (projects-api's account links): a contact's inbox
    items are read by the accounts whose `contact_ids` name it; an assigned leader (包抓领导) is the account whose
    `leader_id` names it; a convener is the account the meeting body names (or, when it names none, the
    accounts holding the convener role). A disabled account is told nothing new.
    """

    def __init__(self, session: AsyncSession, settings: NotifierSettings) -> None:
        self._directory = DirectoryRepository(session)
        self._accounts = AccountRepository(session)
        self._settings = settings
        self._person_prefs: dict[uuid.UUID, PersonPreference | None] = {}
        self._unit_prefs: dict[uuid.UUID, UnitPreference | None] = {}
        self._linked: dict[uuid.UUID, list[Account]] = {}

    async def prefetch(self, audiences: Iterable[Audience], units: Mapping[uuid.UUID, DirectoryUnit]) -> None:
        """Everyone an event may reach at level 0, in a few queries rather than a few per unit."""
        people = {p.person_id for unit in units.values() for p in unit.people}
        unit_ids = set(units)
        for audience in audiences:
            people.update(c.person_id for c in (*audience.liaisons, *audience.people))
            if audience.unit_id is not None:
                unit_ids.add(audience.unit_id)
        await self._load(people, unit_ids)
        await self._link(people)

    async def _load(self, person_ids: Iterable[uuid.UUID], unit_ids: Iterable[uuid.UUID]) -> None:
        missing_people = [p for p in set(person_ids) if p not in self._person_prefs]
        found_people = await self._directory.person_preferences(missing_people)
        self._person_prefs |= {p: found_people.get(p) for p in missing_people}
        missing_units = [u for u in set(unit_ids) if u not in self._unit_prefs]
        found_units = await self._directory.unit_preferences(missing_units)
        self._unit_prefs |= {u: found_units.get(u) for u in missing_units}

    async def _link(self, person_ids: Iterable[uuid.UUID]) -> None:
        """The accounts each person is: those linking the contact, or the account of that very id."""
        missing = [p for p in set(person_ids) if p not in self._linked]
        if not missing:
            return
        linking = await self._accounts.linking(missing)
        same_id = await self._accounts.many(missing)
        for person_id in missing:
            accounts = list(linking.get(person_id, ()))
            if person_id in same_id and same_id[person_id] not in accounts:
                accounts.insert(0, same_id[person_id])
            self._linked[person_id] = accounts

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
        accounts: list[Account] = []
        if audience.office or level >= 2:
            if level == 0:
                people.extend(current(c) for c in audience.people)
            found.recipients.append(office_desk(self._settings))
        elif level == 0 and audience.to_leaders:
            leader_people, leader_accounts, unknown = await self._leaders(audience.leader_ids)
            people.extend(leader_people)
            accounts.extend(leader_accounts)
            found.unknown.extend(unknown)
        elif level == 0:
            liaisons = [current(c) for c in audience.liaisons]
            people.extend(liaisons or (unit.with_role("liaison") if unit else []))
            people.extend(current(c) for c in audience.people)
            if audience.account_role is not None:
                accounts.extend(await self._by_role(audience))
        else:
            people.extend(unit.with_role(*HEAD_ROLES) if unit else [])
            leader_people, leader_accounts, unknown = await self._leaders(audience.leader_ids)
            people.extend(leader_people)
            accounts.extend(leader_accounts)
            found.unknown.extend(unknown)
        found.recipients.extend(await self._with_preferences(people, accounts))
        return found

    async def _by_role(self, audience: Audience) -> list[Account]:
        """A named person (the convener) no account is: the accounts holding the role stand in."""
        await self._link(c.person_id for c in audience.people)
        if any(self._linked[c.person_id] for c in audience.people):
            return []
        assert audience.account_role is not None
        return await self._accounts.holding(audience.account_role)

    async def _leaders(self, ids: Sequence[uuid.UUID]) -> tuple[list[Person], list[Account], list[str]]:
        """Assigned leaders: the accounts linked to each leader id (`links.leader_id`, or the account of that
        id), else a contact of that person id; a leader whose accounts are all disabled is unknown."""
        if not ids:
            return [], [], []
        by_leader = await self._accounts.of_leaders(ids)
        same_id = await self._accounts.many(ids)
        contacts = await self._directory.people(ids)
        people: list[Person] = []
        accounts: list[Account] = []
        unknown: list[str] = []
        for leader_id in dict.fromkeys(ids):
            linked = [*by_leader.get(leader_id, ()), *([same_id[leader_id]] if leader_id in same_id else [])]
            active = [account for account in linked if account.active]
            if active:
                accounts.extend(active)
            elif linked:
                unknown.append(f"包抓领导 {leader_id}（账号已停用 / account disabled）")
            elif leader_id in contacts:
                people.append(contacts[leader_id])
            else:
                unknown.append(f"包抓领导 {leader_id}")
        return people, accounts, unknown

    async def _with_preferences(
        self, people: Iterable[Person], accounts: Iterable[Account]
    ) -> list[Recipient]:
        unique = {person.person_id: person for person in people}
        wanted_accounts = {account.account_id: account for account in accounts if account.active}
        # an account that is a contact of the directory is told as that contact (its channels, its addresses)
        for contact in await self._contacts_of(list(wanted_accounts.values())):
            unique.setdefault(contact.person_id, contact)
        await self._link(unique)
        units = [p.unit_id for p in unique.values()]
        units += [a.unit_id for a in wanted_accounts.values() if a.unit_id is not None]
        await self._load(unique, units)
        recipients = [self._person_recipient(person) for person in unique.values()]
        reached = {account.account_id for person_id in unique for account in self._active(person_id)}
        recipients += [
            self._account_recipient(account)
            for account in wanted_accounts.values()
            if account.account_id not in reached
        ]
        return recipients

    async def _contacts_of(self, accounts: Sequence[Account]) -> list[Person]:
        """The directory's contact each account is (the first of its linked contacts the directory has)."""
        as_contact = await self._directory.people(c for account in accounts for c in account.contact_ids)
        found = []
        for account in accounts:
            contact = next((as_contact[c] for c in account.contact_ids if c in as_contact), None)
            if contact is not None:
                found.append(contact)
        return found

    def _active(self, person_id: uuid.UUID) -> list[Account]:
        return [account for account in self._linked[person_id] if account.active]

    def _person_recipient(self, person: Person) -> Recipient:
        """A contact of the directory: its own channels (else its unit's), its addresses, its unit's robots."""
        unit_pref = self._unit_prefs[person.unit_id]
        person_pref = self._person_prefs[person.person_id]
        channels = effective_channels(person_pref, unit_pref, self._settings.default_channels)
        active = self._active(person.person_id)
        if self._linked[person.person_id] and not active:
            # every account this person signs in with is disabled: nothing new in its inbox
            channels = [name for name in channels if name != "inbox"]
        return Recipient(
            key=str(person.person_id),
            kind="person",
            name=person.name,
            person_id=person.person_id,
            unit_id=person.unit_id,
            channels=tuple(channels),
            account_id=active[0].account_id if active else None,
            email=person.email,
            phone=person.phone,
            im_id=person.im_id,
            wecom_webhook_url=unit_pref.wecom_webhook_url if unit_pref else None,
            dingtalk_webhook_url=unit_pref.dingtalk_webhook_url if unit_pref else None,
            digest=unit_pref.digest if unit_pref else True,
        )

    def _account_recipient(self, account: Account) -> Recipient:
        """An account that is no contact of the directory: its own addresses, its unit's channels."""
        unit_pref = self._unit_prefs.get(account.unit_id) if account.unit_id is not None else None
        channels = effective_channels(None, unit_pref, self._settings.default_channels)
        return Recipient(
            key=f"account:{account.account_id}",
            kind="person",
            name=account.display_name,
            person_id=None,
            unit_id=account.unit_id,
            channels=tuple(channels),
            account_id=account.account_id,
            email=account.email,
            phone=account.phone,
            wecom_webhook_url=unit_pref.wecom_webhook_url if unit_pref else None,
            dingtalk_webhook_url=unit_pref.dingtalk_webhook_url if unit_pref else None,
            digest=unit_pref.digest if unit_pref else True,
        )
