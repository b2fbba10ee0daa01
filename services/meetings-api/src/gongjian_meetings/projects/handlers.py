"""`project-registered` and `project-updated`: keep the project replica (owner unit and name)."""

from __future__ import annotations

from gongjian_meetings.projects.service import replicate_project
from gongjian_shared.bus.consumer import Event
from gongjian_shared.events.projects import ProjectRegistered, ProjectUpdated
from gongjian_shared.uow import UnitOfWork


async def on_project_changed(uow: UnitOfWork, event: Event[ProjectRegistered | ProjectUpdated]) -> None:
    await replicate_project(uow, event.payload, event.event_id)
