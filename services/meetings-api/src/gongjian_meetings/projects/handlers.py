"""`project-registered` and `project-updated`: keep the project replica (owner unit and name)."""

from __future__ import annotations

from sqlalchemy import func

from gongjian_meetings.projects.repository import ProjectReplicaRepository
from gongjian_shared.bus.consumer import Event
from gongjian_shared.events.projects import ProjectRegistered, ProjectUpdated
from gongjian_shared.uow import UnitOfWork


async def on_project_changed(uow: UnitOfWork, event: Event[ProjectRegistered | ProjectUpdated]) -> None:
    project = event.payload
    await ProjectReplicaRepository(uow.session).upsert(
        project.project_id,
        {
            "unit_id": project.unit_id,
            "name": project.name,
            "year": project.year,
            "source_event_id": event.event_id,
            "updated_at": func.now(),
        },
    )
