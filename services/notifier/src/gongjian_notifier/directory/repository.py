"""The directory's SQL: the unit replica (kept from `unit-updated`) and the preferences beside it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import cast, literal, or_, select
from sqlalchemy.dialects.postgresql import JSONB

from gongjian_notifier.models import UNIT_REPLICA, PersonPreference, UnitPreference
from gongjian_shared.repository import Repository


@dataclass(frozen=True)
class Person:
    """A contact of a unit, as the registry last told us (personal data: never logged)."""

    person_id: uuid.UUID
    unit_id: uuid.UUID
    unit_name: str
    role: str
    name: str
    phone: str | None = None
    email: str | None = None
    im_id: str | None = None


@dataclass(frozen=True)
class DirectoryUnit:
    unit_id: uuid.UUID
    name: str
    kind: str
    people: tuple[Person, ...]

    def with_role(self, *roles: str) -> list[Person]:
        return [person for person in self.people if person.role in roles]


def _unit_of(row: Any) -> DirectoryUnit:
    people = tuple(
        Person(
            person_id=uuid.UUID(str(contact["person_id"])),
            unit_id=row.unit_id,
            unit_name=row.name,
            role=str(contact["role"]),
            name=str(contact["name"]),
            phone=contact.get("phone"),
            email=contact.get("email"),
            im_id=contact.get("im_id"),
        )
        for contact in row.contacts
    )
    return DirectoryUnit(unit_id=row.unit_id, name=row.name, kind=row.kind, people=people)


def _holding(person_id: uuid.UUID) -> Any:
    return UNIT_REPLICA.c.contacts.contains(cast(literal(json.dumps([{"person_id": str(person_id)}])), JSONB))


class DirectoryRepository(Repository):
    async def unit(self, unit_id: uuid.UUID) -> DirectoryUnit | None:
        row = (
            await self._session.execute(select(UNIT_REPLICA).where(UNIT_REPLICA.c.unit_id == unit_id))
        ).first()
        return _unit_of(row) if row is not None else None

    async def units(self, unit_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, DirectoryUnit]:
        wanted = list(set(unit_ids))
        if not wanted:
            return {}
        rows = await self._session.execute(select(UNIT_REPLICA).where(UNIT_REPLICA.c.unit_id.in_(wanted)))
        return {row.unit_id: _unit_of(row) for row in rows}

    async def people(self, person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Person]:
        wanted = set(person_ids)
        if not wanted:
            return {}
        rows = await self._session.execute(select(UNIT_REPLICA).where(or_(*(_holding(p) for p in wanted))))
        found: dict[uuid.UUID, Person] = {}
        for row in rows:
            for person in _unit_of(row).people:
                if person.person_id in wanted:
                    found[person.person_id] = person
        return found

    async def person(self, person_id: uuid.UUID) -> Person | None:
        return (await self.people([person_id])).get(person_id)

    async def unit_preference(self, unit_id: uuid.UUID) -> UnitPreference | None:
        return await self._session.get(UnitPreference, unit_id)

    async def unit_preferences(self, unit_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, UnitPreference]:
        wanted = list(set(unit_ids))
        if not wanted:
            return {}
        rows = await self._session.execute(select(UnitPreference).where(UnitPreference.unit_id.in_(wanted)))
        return {pref.unit_id: pref for pref in rows.scalars()}

    async def person_preference(self, person_id: uuid.UUID) -> PersonPreference | None:
        return await self._session.get(PersonPreference, person_id)

    async def person_preferences(self, person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, PersonPreference]:
        wanted = list(set(person_ids))
        if not wanted:
            return {}
        rows = await self._session.execute(
            select(PersonPreference).where(PersonPreference.person_id.in_(wanted))
        )
        return {pref.person_id: pref for pref in rows.scalars()}

    async def dingtalk_secrets(self, urls: Iterable[str]) -> dict[str, str]:
        wanted = list(set(urls))
        if not wanted:
            return {}
        rows = await self._session.execute(
            select(UnitPreference.dingtalk_webhook_url, UnitPreference.dingtalk_secret).where(
                UnitPreference.dingtalk_webhook_url.in_(wanted), UnitPreference.dingtalk_secret.is_not(None)
            )
        )
        return {str(row.dingtalk_webhook_url): str(row.dingtalk_secret) for row in rows}
