"""Member units as the notifier needs them: each with its liaisons (联络员), from the local replica."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from gongjian_meetings.members.repository import ReplicaRow
from gongjian_meetings.members.schemas import MemberUnit
from gongjian_meetings.models import UNIT_REPLICA
from gongjian_shared.access import Scope
from gongjian_shared.events.projects import UnitContact, UnitOwing
from gongjian_shared.replica import list_replica
from gongjian_shared.uow import UnitOfWork


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


async def member_units(uow: UnitOfWork, scope: Scope) -> list[MemberUnit]:
    """The city joint meeting's member units, from the replica; liaison names for the office only."""
    return [
        MemberUnit(
            unit_id=row["unit_id"],
            name=str(row["name"]),
            kind=str(row["kind"]),
            joint_meeting_member=bool(row["joint_meeting_member"]),
            liaisons=[c["name"] for c in row["contacts"] if c["role"] == "liaison"]  # type: ignore[attr-defined]
            if scope.everything
            else None,
        )
        for row in await list_replica(uow.session, UNIT_REPLICA)
        if row["joint_meeting_member"]
    ]
