"""`project-registered` and `project-updated`: keep the project replica (owner unit and name)."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_meetings.projects.repository import ProjectReplicaRepository
from gongjian_shared.bus.consumer import Handler
from gongjian_shared.events.envelope import EventEnvelope
from gongjian_shared.events.projects import ProjectRegistered, ProjectUpdated


async def on_project_changed(session: AsyncSession, envelope: EventEnvelope) -> None:
    payload = ProjectRegistered if envelope.type == ProjectRegistered.event_type else ProjectUpdated
    event = payload.model_validate(envelope.payload)
    await ProjectReplicaRepository(session).upsert(
        event.project_id,
        {
            "unit_id": event.unit_id,
            "name": event.name,
            "year": event.year,
            "source_event_id": envelope.event_id,
            "updated_at": func.now(),
        },
    )


HANDLERS: dict[str, Handler] = {
    ProjectRegistered.event_type: on_project_changed,
    ProjectUpdated.event_type: on_project_changed,
}
