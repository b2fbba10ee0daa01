"""The queries on a service's `evidence` table, the same in every service that keeps evidence files."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import TypeVar

from sqlalchemy import select

from gongjian_shared.evidence.model import EvidenceColumns
from gongjian_shared.repository import ModelRepository

E = TypeVar("E", bound=EvidenceColumns)


class EvidenceRows(ModelRepository[E]):
    """A service's repository of evidence rows extends this with `model` set to its own `Evidence` class."""

    async def save(self, evidence: E) -> None:
        self.add(evidence)
        await self.flush()

    async def of_owner(self, owner_kind: str, owner_id: uuid.UUID) -> Sequence[E]:
        model = self.model
        query = (
            select(model)
            .where(model.owner_kind == owner_kind, model.owner_id == owner_id)
            .order_by(model.uploaded_at, model.id)
        )
        rows: Sequence[E] = (await self._session.execute(query)).scalars().all()
        return rows

    async def one_of_owner(self, owner_kind: str, owner_id: uuid.UUID, evidence_id: uuid.UUID) -> E | None:
        model = self.model
        query = select(model).where(
            model.id == evidence_id, model.owner_kind == owner_kind, model.owner_id == owner_id
        )
        row: E | None = (await self._session.execute(query)).scalar_one_or_none()
        return row

    async def known_keys(self, keys: Collection[str]) -> set[str]:
        """The storage keys among `keys` that a row holds (the sweep deletes the others once old enough)."""
        query = select(self.model.storage_key).where(self.model.storage_key.in_(list(keys)))
        return set((await self._session.execute(query)).scalars().all())
