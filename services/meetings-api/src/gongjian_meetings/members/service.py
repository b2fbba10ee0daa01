"""Member units as the notifier needs them: each with its liaisons (联络员), from the local replica."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from gongjian_meetings.members.repository import ReplicaRow
from gongjian_shared.events.projects import UnitContact, UnitOwing


def liaisons(row: ReplicaRow) -> tuple[UnitContact, ...]:
    return tuple(UnitContact.model_validate(c) for c in row["contacts"] if c["role"] == "liaison")


def owing(row: ReplicaRow, project_ids: Iterable[uuid.UUID] = ()) -> UnitOwing:
    return UnitOwing(
        unit_id=row["unit_id"],
        unit_name=str(row["name"]),
        liaisons=liaisons(row),
        project_ids=tuple(project_ids),
    )


def owing_all(rows: Iterable[ReplicaRow]) -> tuple[UnitOwing, ...]:
    return tuple(owing(row) for row in rows)
