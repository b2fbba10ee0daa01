from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select

from gongjian_scoring.models import Judgement
from gongjian_shared.pagination import Paging, fetch_page
from gongjian_shared.repository import ModelRepository


class JudgementRepository(ModelRepository[Judgement]):
    model = Judgement

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
