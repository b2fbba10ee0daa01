"""Consumed events: `obstacle-escalated` becomes a draft topic, `project-behind-schedule` a suggestion."""

from __future__ import annotations

from gongjian_meetings.topics import service
from gongjian_shared.bus.consumer import Event
from gongjian_shared.events.projects import ObstacleEscalated, ProjectBehindSchedule
from gongjian_shared.uow import UnitOfWork


async def on_obstacle_escalated(uow: UnitOfWork, event: Event[ObstacleEscalated]) -> None:
    await service.draft_from_obstacle(uow, event.payload, event.occurred_at)


async def on_project_behind_schedule(uow: UnitOfWork, event: Event[ProjectBehindSchedule]) -> None:
    await service.suggest_project(uow, event.payload)
