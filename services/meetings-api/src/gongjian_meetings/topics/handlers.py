"""Consumed events: `obstacle-escalated` becomes a draft topic, `project-behind-schedule` a suggestion."""

from __future__ import annotations

import uuid

from gongjian_meetings.bodies.repository import BodyRepository
from gongjian_meetings.meetings.repository import MeetingRepository
from gongjian_meetings.meetings.rules import TOPIC_STATES
from gongjian_meetings.members.repository import ReplicaRepository
from gongjian_meetings.topics.repository import SuggestionRepository, TopicRepository
from gongjian_meetings.topics.schemas import CATEGORY_ZH
from gongjian_shared.bus.consumer import Event
from gongjian_shared.events.projects import ObstacleEscalated, ProjectBehindSchedule
from gongjian_shared.uow import UnitOfWork


async def on_obstacle_escalated(uow: UnitOfWork, escalated: Event[ObstacleEscalated]) -> None:
    """A draft for the office, on the city body's next meeting still taking topics (if any)."""
    session, event = uow.session, escalated.payload
    city = await BodyRepository(session).city()
    meeting = await MeetingRepository(session).next_open(city.id, TOPIC_STATES) if city else None
    unit = await ReplicaRepository(session).get(event.unit_id)
    await TopicRepository(session).add_draft_once(
        {
            "id": uuid.uuid4(),
            "meeting_id": meeting.id if meeting else None,
            "unit_id": event.unit_id,
            "unit_name": str(unit["name"]) if unit else "",
            "category": event.category,
            "title": f"{event.project_name}：{CATEGORY_ZH[event.category]}问题",
            "description": event.description,
            "proposed_solution": event.proposed_solution,
            "project_ids": [event.project_id],
            "attachments": [],
            "status": "draft",
            "origin": "obstacle",
            "late": False,
            "obstacle_id": event.obstacle_id,
            "updated_at": escalated.occurred_at,
        }
    )


async def on_project_behind_schedule(uow: UnitOfWork, behind: Event[ProjectBehindSchedule]) -> None:
    event = behind.payload
    await SuggestionRepository(uow.session).upsert(
        {
            "project_id": event.project_id,
            "project_name": event.project_name,
            "unit_id": event.unit_id,
            "year": event.year,
            "month": event.month,
            "completion_share_percent": event.completion_share_percent,
            "benchmark_percent": event.benchmark_percent,
            "colour": event.colour,
            "reason": event.reason,
        }
    )
