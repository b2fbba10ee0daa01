from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from gongjian_scoring.models import PublishedAssessment
from gongjian_shared.repository import ModelRepository


class AssessmentRepository(ModelRepository[PublishedAssessment]):
    model = PublishedAssessment

    async def latest_for(self, year: int, unit_kind: str) -> PublishedAssessment | None:
        query = (
            select(PublishedAssessment)
            .where(PublishedAssessment.year == year, PublishedAssessment.unit_kind == unit_kind)
            .order_by(PublishedAssessment.published_at.desc(), PublishedAssessment.id)
            .limit(1)
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def list(self, year: int | None) -> Sequence[PublishedAssessment]:
        query = select(PublishedAssessment).order_by(PublishedAssessment.published_at.desc())
        if year is not None:
            query = query.where(PublishedAssessment.year == year)
        return (await self._session.execute(query)).scalars().all()
