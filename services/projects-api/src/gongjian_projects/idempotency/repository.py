from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert

from gongjian_projects.models import IdempotencyKey
from gongjian_shared.repository import Repository


class IdempotencyRepository(Repository):
    async def claim(self, user_id: uuid.UUID, key: str, fingerprint: str) -> bool:
        """True when this request is the first with the key; a concurrent first one makes this wait."""
        statement = (
            insert(IdempotencyKey)
            .values(user_id=user_id, key=key, fingerprint=fingerprint)
            .on_conflict_do_nothing(index_elements=[IdempotencyKey.user_id, IdempotencyKey.key])
            .returning(IdempotencyKey.key)
        )
        return (await self._session.execute(statement)).scalar_one_or_none() is not None

    async def get(self, user_id: uuid.UUID, key: str) -> IdempotencyKey | None:
        query = select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def save_response(
        self, user_id: uuid.UUID, key: str, status_code: int, body: bytes, headers: dict[str, Any]
    ) -> None:
        await self._session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
            .values(status_code=status_code, body=body, headers=headers)
        )

    async def purge_before(self, instant: datetime) -> int:
        result = await self._session.execute(
            delete(IdempotencyKey).where(IdempotencyKey.created_at < instant).returning(IdempotencyKey.key)
        )
        return len(result.all())
