from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gongjian_projects.models import Unit


class UnitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, unit_id: uuid.UUID, *, with_contacts: bool = False) -> Unit | None:
        query = select(Unit).where(Unit.id == unit_id)
        if with_contacts:
            query = query.options(selectinload(Unit.contacts))
        return (await self._session.execute(query)).scalar_one_or_none()

    async def by_name(self, name: str) -> Unit | None:
        return (await self._session.execute(select(Unit).where(Unit.name == name))).scalar_one_or_none()

    async def by_admin_code(self, admin_code: str) -> Unit | None:
        query = select(Unit).where(Unit.admin_code == admin_code)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def list(self, *, kind: str | None, limit: int, offset: int) -> tuple[list[Unit], int]:
        query = select(Unit).options(selectinload(Unit.contacts))
        count = select(func.count()).select_from(Unit)
        if kind is not None:
            query = query.where(Unit.kind == kind)
            count = count.where(Unit.kind == kind)
        rows = (
            await self._session.execute(query.order_by(Unit.kind, Unit.name).limit(limit).offset(offset))
        ).scalars()
        return list(rows), int(await self._session.scalar(count) or 0)

    async def count(self) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(Unit)) or 0)

    def add(self, unit: Unit) -> None:
        self._session.add(unit)

    async def flush(self) -> None:
        await self._session.flush()
