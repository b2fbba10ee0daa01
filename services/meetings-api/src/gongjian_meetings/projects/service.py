"""The project replica (项目副本): each registry project's owner unit, name and plan year, from its events."""

from __future__ import annotations

import uuid

from sqlalchemy import func

from gongjian_meetings.projects.repository import ProjectReplicaRepository
from gongjian_shared.events.projects import ProjectRegistered, ProjectUpdated
from gongjian_shared.uow import UnitOfWork


async def replicate_project(
    uow: UnitOfWork, project: ProjectRegistered | ProjectUpdated, event_id: uuid.UUID
) -> None:
    """Upsert the project (a redelivered event writes the same row again)."""
    await ProjectReplicaRepository(uow.session).upsert(
        project.project_id,
        {
            "unit_id": project.unit_id,
            "name": project.name,
            "year": project.year,
            "source_event_id": event_id,
            "updated_at": func.now(),
        },
    )
