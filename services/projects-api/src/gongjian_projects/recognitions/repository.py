from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, func, select

from gongjian_projects.models import Evidence, Project, Recognition
from gongjian_shared.pagination import Paging, fetch_page
from gongjian_shared.repository import ModelRepository

#: the `owner_kind` of a recognition's evidence files
EVIDENCE_OWNER = "recognition"


@dataclass(frozen=True)
class QueueFilter:
    """Which applications the queue lists: `visible` is the caller's readable projects (None: all)."""

    visible_project_ids: Select[Any] | None
    status: str | None = None
    kind: str | None = None
    unit_ids: tuple[uuid.UUID, ...] = ()
    year: int | None = None


class RecognitionRepository(ModelRepository[Recognition]):
    model = Recognition

    async def open_application(self, project_id: uuid.UUID, kind: str) -> Recognition | None:
        query = select(Recognition).where(
            Recognition.project_id == project_id, Recognition.kind == kind, Recognition.status == "applied"
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def of_project(self, project_id: uuid.UUID) -> Sequence[Recognition]:
        query = select(Recognition).where(Recognition.project_id == project_id).order_by(Recognition.seq)
        return (await self._session.execute(query)).scalars().all()

    async def evidence_of(self, recognition_ids: Sequence[uuid.UUID]) -> Sequence[Evidence]:
        """The evidence files of these applications, each application's oldest first."""
        query = (
            select(Evidence)
            .where(Evidence.owner_kind == EVIDENCE_OWNER, Evidence.owner_id.in_(list(recognition_ids)))
            .order_by(Evidence.owner_id, Evidence.uploaded_at, Evidence.id)
        )
        return (await self._session.execute(query)).scalars().all()

    async def queue(
        self, where: QueueFilter, paging: Paging
    ) -> tuple[Sequence[Row[Recognition, str, uuid.UUID, int, int]], int]:
        """Applications across projects with their project's name, unit and year and how many evidence files
        each has, oldest first."""
        files = (
            select(func.count(Evidence.id))
            .where(Evidence.owner_kind == EVIDENCE_OWNER, Evidence.owner_id == Recognition.id)
            .scalar_subquery()
        )
        query = select(Recognition, Project.name, Project.unit_id, Project.year, files).join(
            Project, Project.id == Recognition.project_id
        )
        if where.visible_project_ids is not None:
            query = query.where(Recognition.project_id.in_(where.visible_project_ids))
        if where.status is not None:
            query = query.where(Recognition.status == where.status)
        if where.kind is not None:
            query = query.where(Recognition.kind == where.kind)
        if where.unit_ids:
            query = query.where(Project.unit_id.in_(list(where.unit_ids)))
        if where.year is not None:
            query = query.where(Project.year == where.year)
        return await fetch_page(self._session, query.order_by(Recognition.seq), paging)
