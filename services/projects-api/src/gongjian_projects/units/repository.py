from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from gongjian_projects.models import Unit
from gongjian_shared.access import UnitNode
from gongjian_shared.repository import Repository


class UnitRepository(Repository):
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

    async def tree_nodes(self) -> Sequence[UnitNode]:
        """Every unit as a node of the unit tree (id, parent, kind, name)."""
        rows = await self._session.execute(select(Unit.id, Unit.parent_unit_id, Unit.kind, Unit.name))
        return [UnitNode(unit_id, parent, kind, name) for unit_id, parent, kind, name in rows.all()]

    async def all(self) -> Sequence[Unit]:
        return (await self._session.execute(select(Unit))).scalars().all()

    async def count(self) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(Unit)) or 0)
