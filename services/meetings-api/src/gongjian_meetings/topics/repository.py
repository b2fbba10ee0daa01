from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert

from gongjian_meetings.models import LateAcceptance, Topic, TopicSuggestion
from gongjian_shared.repository import ModelRepository


class TopicRepository(ModelRepository[Topic]):
    model = Topic

    async def for_meeting(
        self,
        meeting_id: uuid.UUID,
        *,
        unit_id: uuid.UUID | None = None,
        statuses: Iterable[str] | None = None,
    ) -> Sequence[Topic]:
        query = select(Topic).where(Topic.meeting_id == meeting_id)
        if unit_id is not None:
            query = query.where(Topic.unit_id == unit_id)
        if statuses is not None:
            query = query.where(Topic.status.in_(list(statuses)))
        query = query.order_by(Topic.position.asc().nulls_last(), Topic.submitted_at, Topic.id)
        return (await self._session.execute(query)).scalars().all()

    async def many(self, topic_ids: Sequence[uuid.UUID]) -> list[Topic]:
        rows = await self._session.execute(select(Topic).where(Topic.id.in_(list(topic_ids))))
        by_id = {topic.id: topic for topic in rows.scalars()}
        return [by_id[topic_id] for topic_id in topic_ids if topic_id in by_id]

    async def obstacle_ids(self, topic_ids: Sequence[uuid.UUID]) -> tuple[uuid.UUID, ...]:
        """The ledger obstacles (攻坚台帐) these topics, and the topics merged into them, came from."""
        if not topic_ids:
            return ()
        ids = list(topic_ids)
        query = (
            select(Topic.obstacle_id)
            .where(or_(Topic.id.in_(ids), Topic.merged_into_id.in_(ids)), Topic.obstacle_id.is_not(None))
            .order_by(Topic.obstacle_id)
        )
        return tuple(o for o in (await self._session.execute(query)).scalars() if o is not None)

    async def units_with_topics(self, meeting_id: uuid.UUID) -> set[uuid.UUID]:
        query = select(Topic.unit_id).where(
            Topic.meeting_id == meeting_id, Topic.status.in_(("submitted", "merged", "rejected"))
        )
        return set((await self._session.execute(query)).scalars())

    async def drafts(self) -> Sequence[Topic]:
        query = select(Topic).where(Topic.status == "draft").order_by(Topic.updated_at)
        return (await self._session.execute(query)).scalars().all()

    async def add_draft_once(self, values: dict[str, Any]) -> None:
        """A redelivered `obstacle-escalated` finds its draft already there and adds nothing."""
        await self._session.execute(insert(Topic).values(**values).on_conflict_do_nothing())

    async def late_acceptance(self, meeting_id: uuid.UUID, unit_id: uuid.UUID) -> LateAcceptance | None:
        return await self._session.get(LateAcceptance, (meeting_id, unit_id))


class SuggestionRepository(ModelRepository[TopicSuggestion]):
    model = TopicSuggestion

    async def upsert(self, values: dict[str, Any]) -> None:
        statement = insert(TopicSuggestion).values(id=uuid.uuid4(), status="open", **values)
        figures = {
            k: values[k] for k in ("completion_share_percent", "benchmark_percent", "colour", "reason")
        }
        await self._session.execute(
            statement.on_conflict_do_update(index_elements=["project_id", "year", "month"], set_=figures)
        )

    async def open(self) -> Sequence[TopicSuggestion]:
        query = (
            select(TopicSuggestion)
            .where(TopicSuggestion.status == "open")
            .order_by(TopicSuggestion.year.desc(), TopicSuggestion.month.desc(), TopicSuggestion.project_name)
        )
        return (await self._session.execute(query)).scalars().all()

    async def latest_for_projects(self, project_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, TopicSuggestion]:
        """The latest figures known for each project, for the agenda's background."""
        query = (
            select(TopicSuggestion)
            .where(TopicSuggestion.project_id.in_(list(project_ids)))
            .order_by(TopicSuggestion.year, TopicSuggestion.month)
        )
        return {s.project_id: s for s in (await self._session.execute(query)).scalars()}
