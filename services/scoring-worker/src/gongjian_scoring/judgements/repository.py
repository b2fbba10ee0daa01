from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_scoring.models import Judgement
from gongjian_shared.pagination import Paging, fetch_page


class JudgementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, judgement: Judgement) -> None:
        self._session.add(judgement)

    async def flush(self) -> None:
        await self._session.flush()

    async def get_for_update(self, judgement_id: uuid.UUID) -> Judgement | None:
        query = select(Judgement).where(Judgement.id == judgement_id).with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def of_unit(
        self, unit_id: uuid.UUID, year: int | None, *, include_withdrawn: bool, paging: Paging
    ) -> tuple[Sequence[Judgement], int]:
        """One page of a unit's judgements, oldest first, and how many match."""
        query = select(Judgement).where(Judgement.unit_id == unit_id)
        if year is not None:
            query = query.where(Judgement.year == year)
        if not include_withdrawn:
            query = query.where(Judgement.withdrawn_at.is_(None))
        query = query.order_by(Judgement.year, Judgement.recorded_at, Judgement.id)
        rows, total = await fetch_page(self._session, query, paging)
        return [row[0] for row in rows], total
