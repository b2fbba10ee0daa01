from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import select

from gongjian_projects.models import Leader
from gongjian_shared.repository import Repository


class LeaderRepository(Repository):
    async def get(self, leader_id: uuid.UUID) -> Leader | None:
        return await self._session.get(Leader, leader_id)

    async def ids_for_user(self, user_id: uuid.UUID) -> list[uuid.UUID]:
        query = select(Leader.id).where(Leader.user_id == user_id)
        return list((await self._session.execute(query)).scalars())

    async def existing_ids(self, leader_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        if not leader_ids:
            return set()
        query = select(Leader.id).where(Leader.id.in_(list(leader_ids)))
        return set((await self._session.execute(query)).scalars())

    async def ids_by_account(self) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
        """The leaders each account is linked to (包抓领导), for the accounts linked to any."""
        rows = await self._session.execute(
            select(Leader.user_id, Leader.id).where(Leader.user_id.is_not(None))
        )
        links: dict[uuid.UUID, set[uuid.UUID]] = {}
        for user_id, leader_id in rows.all():
            if user_id is not None:
                links.setdefault(user_id, set()).add(leader_id)
        return {user_id: frozenset(ids) for user_id, ids in links.items()}

    async def list(self) -> list[Leader]:
        query = select(Leader).order_by(Leader.level, Leader.name)
        return list((await self._session.execute(query)).scalars())
