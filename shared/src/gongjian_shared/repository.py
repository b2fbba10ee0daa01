"""The repository base every service's repositories extend (as polar's `kit/repository/base.py` does).

A repository is bound to the unit of work's session. It reads and writes rows; it never commits (the entry
point does) and never publishes (services write events to the outbox). Domain queries live in subclasses.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

M = TypeVar("M")


class Repository:
    """Bound to one session: `add`, `add_all` and `flush` once, for every repository."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, row: object) -> None:
        self._session.add(row)

    def add_all(self, rows: Iterable[object]) -> None:
        self._session.add_all(rows)

    async def flush(self) -> None:
        await self._session.flush()


class ModelRepository(Repository, Generic[M]):
    """A repository of one mapped class with an `id` primary key: `get` by id, optionally locked."""

    model: ClassVar[type[Any]]

    async def get(self, row_id: uuid.UUID, *, for_update: bool = False) -> M | None:
        query = select(self.model).where(self.model.id == row_id)
        if for_update:
            query = query.with_for_update()
        row: M | None = (await self._session.execute(query)).scalar_one_or_none()
        return row
