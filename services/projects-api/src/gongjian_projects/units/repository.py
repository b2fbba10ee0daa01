from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gongjian_projects.models import Unit


class UnitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(
        self, unit_id: uuid.UUID, *, with_contacts: bool = False, for_update: bool = False
    ) -> Unit | None:
        query = select(Unit).where(Unit.id == unit_id)
        if for_update:
            query = query.with_for_update(of=Unit)
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

    async def child_ids(self, unit_id: uuid.UUID) -> Sequence[uuid.UUID]:
        """Units directly under a unit (zones under their county)."""
        query = select(Unit.id).where(Unit.parent_unit_id == unit_id)
        return list((await self._session.execute(query)).scalars())

    async def ids_by_admin_code(self) -> dict[str, uuid.UUID]:
        query = select(Unit.admin_code, Unit.id).where(Unit.admin_code.is_not(None))
        return {str(code): unit_id for code, unit_id in (await self._session.execute(query)).all()}

    async def all(self) -> Sequence[Unit]:
        return (await self._session.execute(select(Unit))).scalars().all()

    async def count(self) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(Unit)) or 0)

    def add(self, unit: Unit) -> None:
        self._session.add(unit)

    async def flush(self) -> None:
        await self._session.flush()
