"""All SQL of exchange: the change feed over the registry's outbox, the year's plan in bulk, push deliveries."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert

from gongjian_projects.exchange.cursor import Position
from gongjian_projects.models import (
    BUS,
    ProgressReport,
    Project,
    ProjectLeader,
    ProjectMonthPlan,
    PushDelivery,
)
from gongjian_shared.bus.tables import SNAPSHOT_XMIN
from gongjian_shared.repository import Repository

_OUTBOX = f'"{BUS.schema}".outbox'


class ChangeRepository(Repository):
    """The registry's own outbox read as a change log: in (txid, id) order and only below the oldest
    transaction still running (the rule of the embedded bus and the relay), so a change whose transaction
    commits after a later one's is never passed over."""

    async def after(self, position: Position, types: Sequence[str], limit: int) -> Sequence[Any]:
        query = text(
            f"SELECT id, txid, envelope FROM {_OUTBOX} "
            f"WHERE (txid, id) > (:txid, :id) AND txid < {SNAPSHOT_XMIN} AND type = ANY(:types) "
            "ORDER BY txid, id LIMIT :limit"
        )
        params = {"txid": position.txid, "id": position.id, "types": list(types), "limit": limit}
        return (await self._session.execute(query, params)).all()

    async def horizon(self) -> int:
        """The highest transaction id issued so far: no change of the log lies beyond it."""
        value = await self._session.scalar(
            text("SELECT (pg_snapshot_xmax(pg_current_snapshot())::text)::bigint")
        )
        return int(value or 0)


class PlanExportRepository(Repository):
    async def entries(self, year: int) -> Sequence[Project]:
        """Every key project of the year's plan, removed ones too (their removal is part of the plan)."""
        query = select(Project).where(Project.year == year, Project.kind == "key")
        return (
            (await self._session.execute(query.order_by(Project.unit_id, Project.name, Project.id)))
            .scalars()
            .all()
        )

    async def month_plans(self, project_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, dict[int, Any]]:
        found: defaultdict[uuid.UUID, dict[int, Any]] = defaultdict(dict)
        query = select(ProjectMonthPlan).where(ProjectMonthPlan.project_id.in_(list(project_ids)))
        for row in (await self._session.execute(query)).scalars():
            found[row.project_id][row.month] = row.planned_10k
        return found

    async def leaders(self, project_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        found: defaultdict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        query = (
            select(ProjectLeader.project_id, ProjectLeader.leader_id)
            .where(ProjectLeader.project_id.in_(list(project_ids)))
            .order_by(ProjectLeader.project_id, ProjectLeader.position)
        )
        for project_id, leader_id in (await self._session.execute(query)).all():
            found[project_id].append(leader_id)
        return found

    async def accepted_reports(self, year: int) -> dict[uuid.UUID, list[ProgressReport]]:
        found: defaultdict[uuid.UUID, list[ProgressReport]] = defaultdict(list)
        query = (
            select(ProgressReport)
            .where(ProgressReport.year == year, ProgressReport.status == "accepted")
            .order_by(ProgressReport.project_id, ProgressReport.month)
        )
        for report in (await self._session.execute(query)).scalars():
            found[report.project_id].append(report)
        return found


class PushRepository(Repository):
    async def enqueue(
        self, event_id: uuid.UUID, type_: str, key: str, envelope: dict[str, Any], at: datetime
    ) -> None:
        await self._session.execute(
            insert(PushDelivery)
            .values(event_id=event_id, type=type_, key=key, envelope=envelope, next_attempt_at=at)
            .on_conflict_do_nothing(index_elements=["event_id"])
        )

    async def try_sender_lock(self) -> bool:
        """One sender at a time across replicas, for this transaction: an advisory lock, which takes no
        transaction id, so a send in progress never holds back the log's visibility horizon."""
        return bool(
            await self._session.scalar(text("SELECT pg_try_advisory_xact_lock(hashtext('gongjian.push'))"))
        )

    async def due(self, now: datetime, limit: int) -> Sequence[PushDelivery]:
        """The oldest waiting deliveries, in log order, read without a row lock (nothing here writes). The first
        not yet due ends the list: a later change of the log never overtakes an earlier one waiting to retry."""
        query = (
            select(PushDelivery)
            .where(PushDelivery.status == "pending")
            .order_by(PushDelivery.id)
            .limit(limit)
        )
        rows = (await self._session.execute(query)).scalars().all()
        due: list[PushDelivery] = []
        for row in rows:
            if row.next_attempt_at > now:
                break
            due.append(row)
        return due

    async def delivered(self, delivery_id: int, attempts: int, at: datetime) -> None:
        await self._session.execute(
            update(PushDelivery)
            .where(PushDelivery.id == delivery_id, PushDelivery.status == "pending")
            .values(status="delivered", attempts=attempts, delivered_at=at, last_error=None)
        )

    async def failed(
        self, delivery_id: int, attempts: int, error: str, *, retry_at: datetime | None, at: datetime
    ) -> None:
        """An attempt failed: wait until `retry_at`, or, without one, the delivery is a dead letter."""
        values: dict[str, Any] = {"attempts": attempts, "last_error": error[:2000]}
        if retry_at is None:
            values |= {"status": "dead", "dead_at": at}
        else:
            values |= {"next_attempt_at": retry_at}
        await self._session.execute(
            update(PushDelivery)
            .where(PushDelivery.id == delivery_id, PushDelivery.status == "pending")
            .values(**values)
        )

    async def dead_letters(self, limit: int, offset: int) -> tuple[Sequence[PushDelivery], int]:
        where = PushDelivery.status == "dead"
        total = await self._session.scalar(select(func.count()).select_from(PushDelivery).where(where))
        query = select(PushDelivery).where(where).order_by(PushDelivery.id).limit(limit).offset(offset)
        return (await self._session.execute(query)).scalars().all(), int(total or 0)

    async def get(self, delivery_id: int, *, for_update: bool = False) -> PushDelivery | None:
        return await self._session.get(PushDelivery, delivery_id, with_for_update=for_update)

    async def replay(self, delivery: PushDelivery, now: datetime) -> None:
        await self._session.execute(
            update(PushDelivery)
            .where(PushDelivery.id == delivery.id)
            .values(
                status="pending",
                attempts=0,
                next_attempt_at=now,
                dead_at=None,
                replays=PushDelivery.replays + 1,
            )
        )
