"""The office's recognition queue (认定待办): applications across every project the caller may read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from gongjian_projects.access import Scope
from gongjian_projects.projects.repository import visible_project_ids
from gongjian_projects.recognitions.repository import QueueFilter, RecognitionRepository
from gongjian_projects.recognitions.schemas import QueuedRecognition, RecognitionQueuePage
from gongjian_projects.recognitions.service import stored_fields
from gongjian_shared.errors import Forbidden, field_error
from gongjian_shared.pagination import Paging
from gongjian_shared.uow import UnitOfWork

STORED_STATUS = {"pending": "applied", "recognised": "recognised", "rejected": "rejected"}


def _ensure_may_read_units(scope: Scope, unit_ids: Sequence[uuid.UUID]) -> None:
    """A unit asking for another unit's applications is refused (403 naming `unit_id`), not shown an empty
    page; the office and conveners read every unit, a leader's projects lie in any unit."""
    if scope.read_all or scope.leader_ids:
        return
    readable = scope.unit_ids | scope.sector_unit_ids
    foreign = [unit_id for unit_id in unit_ids if unit_id not in readable]
    if foreign:
        raise Forbidden(
            "You may only read the recognitions of your own units.",
            errors=[field_error("unit_id", "own-unit", "Not your unit", "只能查看本单位的认定申请")],
        )


async def queue_page(
    uow: UnitOfWork,
    scope: Scope,
    *,
    status: str | None,
    kind: str | None,
    unit_ids: Sequence[uuid.UUID],
    year: int | None,
    paging: Paging,
) -> RecognitionQueuePage:
    """The applications of the projects the caller may read, oldest first: the office sees every unit, a
    county or department reviewer the units under it (and a department its sector), a unit its own."""
    _ensure_may_read_units(scope, unit_ids)
    where = QueueFilter(
        visible_project_ids=visible_project_ids(scope),
        status=STORED_STATUS[status] if status is not None else None,
        kind=kind,
        unit_ids=tuple(unit_ids),
        year=year,
    )
    rows, total = await RecognitionRepository(uow.session).queue(where, paging)
    items = [
        QueuedRecognition.model_validate(
            {
                **stored_fields(recognition),
                "project_name": name,
                "unit_id": unit_id,
                "year": year_of,
                "evidence_count": files,
            }
        )
        for recognition, name, unit_id, year_of, files in rows
    ]
    return RecognitionQueuePage.of(items, total, paging)
