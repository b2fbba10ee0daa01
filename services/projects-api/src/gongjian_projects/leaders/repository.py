from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Row, and_, select
from sqlalchemy.dialects.postgresql import insert

from gongjian_projects.models import (
    Leader,
    LeaderDigest,
    ProgressReport,
    Project,
    ProjectLeader,
    ProjectWarning,
)
from gongjian_shared.repository import Repository

# what a leader's digest lists: the key projects of the year still on the plan
DIGEST_STATUSES = ("planned", "started", "completed")


class LeaderRepository(Repository):
    async def get(self, leader_id: uuid.UUID, *, for_update: bool = False) -> Leader | None:
        return await self._session.get(Leader, leader_id, with_for_update=for_update)

    async def ids_for_user(self, user_id: uuid.UUID) -> list[uuid.UUID]:
        query = select(Leader.id).where(Leader.user_id == user_id)
        return list((await self._session.execute(query)).scalars())

    async def existing_ids(self, leader_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        if not leader_ids:
            return set()
        query = select(Leader.id).where(Leader.id.in_(list(leader_ids)))
        return set((await self._session.execute(query)).scalars())

    async def ids_by_account(self) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
        """The leaders each account is linked to (包抓领导), for the accounts linked to any."""
        rows = await self._session.execute(
            select(Leader.user_id, Leader.id).where(Leader.user_id.is_not(None))
        )
        links: dict[uuid.UUID, set[uuid.UUID]] = {}
        for user_id, leader_id in rows.all():
            if user_id is not None:
                links.setdefault(user_id, set()).add(leader_id)
        return {user_id: frozenset(ids) for user_id, ids in links.items()}

    async def list(self) -> list[Leader]:
        query = select(Leader).order_by(Leader.level, Leader.name)
        return list((await self._session.execute(query)).scalars())

    async def undigested(self, year: int, month: int) -> Sequence[Leader]:
        """Leaders with key projects in the year's plan and no digest for the month yet."""
        sent = select(LeaderDigest.leader_id).where(LeaderDigest.year == year, LeaderDigest.month == month)
        assigned = (
            select(ProjectLeader.leader_id)
            .join(Project, Project.id == ProjectLeader.project_id)
            .where(Project.year == year, Project.kind == "key", Project.status.in_(DIGEST_STATUSES))
        )
        query = (
            select(Leader)
            .where(Leader.id.in_(assigned), Leader.id.not_in(sent))
            .order_by(Leader.level, Leader.name, Leader.id)
        )
        return (await self._session.execute(query)).scalars().all()

    async def digest_rows(
        self, leader_id: uuid.UUID, year: int, month: int
    ) -> Sequence[Row[Project, Decimal, Decimal, str, str]]:
        """The leader's key projects of the year with the month's report and their warning colour."""
        query = (
            select(
                Project,
                ProgressReport.completed_10k,
                ProgressReport.cumulative_10k,
                ProgressReport.status,
                ProjectWarning.colour,
            )
            .join(ProjectLeader, ProjectLeader.project_id == Project.id)
            .outerjoin(
                ProgressReport,
                and_(
                    ProgressReport.project_id == Project.id,
                    ProgressReport.year == year,
                    ProgressReport.month == month,
                ),
            )
            .outerjoin(ProjectWarning, ProjectWarning.project_id == Project.id)
            .where(
                ProjectLeader.leader_id == leader_id,
                Project.year == year,
                Project.kind == "key",
                Project.status.in_(DIGEST_STATUSES),
            )
            .order_by(Project.name, Project.id)
        )
        return (await self._session.execute(query)).all()

    async def stamp_digest(
        self, leader_id: uuid.UUID, year: int, month: int, project_count: int, at: datetime
    ) -> bool:
        """Stamp the leader's digest of the month; False when another run stamped it first."""
        statement = (
            insert(LeaderDigest)
            .values(leader_id=leader_id, year=year, month=month, project_count=project_count, sent_at=at)
            .on_conflict_do_nothing()
            .returning(LeaderDigest.leader_id)
        )
        return (await self._session.execute(statement)).first() is not None
