from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from gongjian_meetings.models import ProjectReplica
from gongjian_shared.repository import Repository


class ProjectReplicaRepository(Repository):
    """Reads and upserts of this service's replica of the registry's projects."""

    async def upsert(self, project_id: uuid.UUID, values: dict[str, Any]) -> None:
        statement = insert(ProjectReplica).values(project_id=project_id, **values)
        await self._session.execute(
            statement.on_conflict_do_update(index_elements=[ProjectReplica.project_id], set_=values)
        )

    async def owners(self, project_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        """The owning unit of each known project among `project_ids`."""
        wanted = list(dict.fromkeys(project_ids))
        if not wanted:
            return {}
        query = select(ProjectReplica.project_id, ProjectReplica.unit_id).where(
            ProjectReplica.project_id.in_(wanted)
        )
        return {row.project_id: row.unit_id for row in await self._session.execute(query)}
