from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_projects.models import Leader


class LeaderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

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

    async def list(self) -> list[Leader]:
        query = select(Leader).order_by(Leader.level, Leader.name)
        return list((await self._session.execute(query)).scalars())

    def add(self, leader: Leader) -> None:
        self._session.add(leader)

    async def flush(self) -> None:
        await self._session.flush()
