from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import RowMapping, or_, select

from gongjian_meetings.models import UNIT_REPLICA
from gongjian_shared.repository import Repository

ReplicaRow = RowMapping


class ReplicaRepository(Repository):
    """Reads of this service's own replica of the registry's units (never the registry's tables)."""

    async def get(self, unit_id: uuid.UUID) -> ReplicaRow | None:
        row = (
            await self._session.execute(select(UNIT_REPLICA).where(UNIT_REPLICA.c.unit_id == unit_id))
        ).first()
        return row._mapping if row else None

    async def many(self, unit_ids: Iterable[uuid.UUID]) -> list[ReplicaRow]:
        wanted = list(dict.fromkeys(unit_ids))
        if not wanted:
            return []
        rows = await self._session.execute(select(UNIT_REPLICA).where(UNIT_REPLICA.c.unit_id.in_(wanted)))
        by_id = {row.unit_id: row._mapping for row in rows}
        return [by_id[unit_id] for unit_id in wanted if unit_id in by_id]

    async def joint_meeting_members(self) -> Sequence[ReplicaRow]:
        query = (
            select(UNIT_REPLICA)
            .where(UNIT_REPLICA.c.joint_meeting_member.is_(True))
            .order_by(UNIT_REPLICA.c.kind, UNIT_REPLICA.c.name)
        )
        return [row._mapping for row in await self._session.execute(query)]

    async def unit_and_children(self, unit_id: uuid.UUID) -> Sequence[ReplicaRow]:
        query = (
            select(UNIT_REPLICA)
            .where(or_(UNIT_REPLICA.c.unit_id == unit_id, UNIT_REPLICA.c.parent_unit_id == unit_id))
            .order_by(UNIT_REPLICA.c.kind, UNIT_REPLICA.c.name)
        )
        return [row._mapping for row in await self._session.execute(query)]
