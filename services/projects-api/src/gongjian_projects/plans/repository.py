from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import selectinload

from gongjian_projects.models import AnnualTarget, Plan, Project, Unit
from gongjian_shared.repository import Repository


class PlanRepository(Repository):
    async def get(self, year: int, *, for_update: bool = False) -> Plan | None:
        return await self._session.get(Plan, year, with_for_update=for_update)

    async def is_published(self, year: int) -> bool:
        query = select(Plan.published_at).where(Plan.year == year)
        return (await self._session.scalar(query)) is not None

    async def snapshot_baseline(self, year: int) -> None:
        """The plan as published: every key project on it, with its planned investment of that day."""
        await self._session.execute(
            update(Project)
            .where(Project.year == year, Project.kind == "key", Project.status != "removed")
            .values(in_baseline=True, baseline_planned_investment_10k=Project.planned_investment_10k)
        )

    async def key_projects(self, year: int, *, baseline: bool) -> Sequence[Project]:
        query = select(Project).where(Project.year == year, Project.kind == "key")
        query = (
            query.where(Project.in_baseline.is_(True))
            if baseline
            else query.where(Project.status != "removed")
        )
        return (await self._session.execute(query.order_by(Project.unit_id, Project.name))).scalars().all()

    async def entries_for_carry_over(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Project]:
        """The entries named, locked against a concurrent carry-over, with their leaders."""
        query = (
            select(Project)
            .where(Project.id.in_(list(ids)))
            .order_by(Project.id)
            .with_for_update(of=Project)
            .options(selectinload(Project.leaders))
        )
        return {project.id: project for project in (await self._session.execute(query)).scalars()}

    async def identities_in_year(self, identity_ids: Sequence[uuid.UUID], year: int) -> set[uuid.UUID]:
        """The identities among these that already have an entry in the year."""
        query = select(Project.identity_id).where(
            Project.identity_id.in_(list(identity_ids)), Project.year == year
        )
        return set((await self._session.execute(query)).scalars())

    async def carry_over_candidates(self, year: int) -> Sequence[Project]:
        """Last year's entries that may enter `year`: key projects started and not yet completed or removed,
        planned projects proposed for next year; none already in `year`."""
        carried = select(Project.identity_id).where(Project.year == year)
        query = (
            select(Project)
            .where(
                Project.year == year - 1,
                Project.identity_id.not_in(carried),
                or_(
                    and_(Project.kind == "key", Project.status == "started"),
                    and_(
                        Project.kind == "planned",
                        Project.proposed_for_next_year.is_(True),
                        Project.status != "removed",
                    ),
                ),
            )
            .order_by(Project.kind, Project.unit_id, Project.name, Project.id)
        )
        return (await self._session.execute(query)).scalars().all()

    async def targets(self, year: int) -> Sequence[tuple[AnnualTarget, Unit]]:
        query = (
            select(AnnualTarget, Unit)
            .join(Unit, Unit.id == AnnualTarget.unit_id)
            .where(AnnualTarget.year == year)
        )
        return [(target, unit) for target, unit in (await self._session.execute(query)).all()]

    async def units(self) -> Sequence[Unit]:
        return (await self._session.execute(select(Unit))).scalars().all()

    async def replace_targets(self, year: int, targets: Sequence[AnnualTarget]) -> None:
        await self._session.execute(delete(AnnualTarget).where(AnnualTarget.year == year))
        self._session.add_all(targets)
        await self._session.flush()
