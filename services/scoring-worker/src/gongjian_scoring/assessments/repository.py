from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_scoring.models import PublishedAssessment


class AssessmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, row: PublishedAssessment) -> None:
        self._session.add(row)

    async def flush(self) -> None:
        await self._session.flush()

    async def get(self, assessment_id: uuid.UUID) -> PublishedAssessment | None:
        return await self._session.get(PublishedAssessment, assessment_id)

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
