"""Meeting bodies (联席会议): the city body and one per county or zone, kept from the unit replica."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_meetings.access import body_filter, ensure_runs, sees
from gongjian_meetings.audit.service import record
from gongjian_meetings.bodies.errors import BodyNotFound
from gongjian_meetings.bodies.repository import BodyRepository
from gongjian_meetings.bodies.schemas import BodyOut, BodyUpdate
from gongjian_meetings.members.repository import ReplicaRepository, ReplicaRow
from gongjian_meetings.members.service import owing
from gongjian_meetings.models import MeetingBody
from gongjian_shared.access import Scope
from gongjian_shared.concurrency import require_if_match
from gongjian_shared.errors import RuleViolation, field_error
from gongjian_shared.events.projects import UnitContact, UnitOwing
from gongjian_shared.uow import UnitOfWork

CITY_BODY_NAME = "安康市重点项目建设双月协调联席会议"


def body_name(unit_name: str) -> str:
    return f"{unit_name}重点项目建设双月协调联席会议"


async def ensure_bodies_for(session: AsyncSession, unit_id: uuid.UUID, kind: str, name: str) -> None:
    """The city body always; a county or zone gets its own body as soon as the unit is known."""
    bodies = BodyRepository(session)
    await bodies.ensure(level="city", unit_id=None, name=CITY_BODY_NAME)
    if kind in ("county", "zone"):
        await bodies.ensure(level=kind, unit_id=unit_id, name=body_name(name))


async def get_body(
    session: AsyncSession, body_id: uuid.UUID, *, for_update: bool = False, scope: Scope | None = None
) -> MeetingBody:
    """With `scope`, a body the caller may not see answers 404 like a missing one."""
    body = await BodyRepository(session).get(body_id, for_update=for_update)
    if body is None or (scope is not None and not sees(scope, body)):
        raise BodyNotFound(f"No meeting body {body_id} that you may see.")
    return body


async def list_bodies(uow: UnitOfWork, scope: Scope) -> Sequence[MeetingBody]:
    return await BodyRepository(uow.session).list(body_filter(scope))


async def members(session: AsyncSession, body: MeetingBody) -> Sequence[ReplicaRow]:
    """The city body's members are the registry's joint-meeting members; a county's, itself and its units."""
    replica = ReplicaRepository(session)
    if body.level == "city":
        return await replica.joint_meeting_members()
    assert body.unit_id is not None
    return await replica.unit_and_children(body.unit_id)


async def member_ids(session: AsyncSession, body: MeetingBody) -> set[uuid.UUID]:
    return {row["unit_id"] for row in await members(session, body)}


async def office_of(session: AsyncSession, body: MeetingBody) -> UnitOwing | None:
    if body.office_unit_id is None:
        return None
    row = await ReplicaRepository(session).get(body.office_unit_id)
    return owing(row) if row else None


def convener_of(body: MeetingBody) -> UnitContact | None:
    return UnitContact.model_validate(body.convener) if body.convener else None


def to_out(body: MeetingBody) -> BodyOut:
    return BodyOut.model_validate(body, from_attributes=True)


async def update_body(
    uow: UnitOfWork, scope: Scope, body_id: uuid.UUID, command: BodyUpdate, if_match: str | None
) -> MeetingBody:
    session, clock = uow.session, uow.clock
    body = await get_body(session, body_id, for_update=True, scope=scope)
    ensure_runs(scope, body)
    require_if_match(if_match, body.revision)
    changes = command.model_dump(exclude_unset=True)
    windows = {
        key: changes.get(key, getattr(body, key)) for key in ("topic_days", "agenda_days", "circulation_days")
    }
    if not windows["topic_days"] > windows["agenda_days"] > windows["circulation_days"] >= 1:
        raise RuleViolation(
            errors=[
                field_error(
                    "agenda_days",
                    "windows-ordered",
                    "Windows must satisfy topic_days > agenda_days > circulation_days >= 1",
                    "须满足：议题截止天数 > 报审天数 > 印发天数 >= 1",
                )
            ]
        )
    if (
        command.office_unit_id is not None
        and await ReplicaRepository(session).get(command.office_unit_id) is None
    ):
        raise RuleViolation(
            errors=[field_error("office_unit_id", "known-unit", "No such unit", "办公室所在单位不存在")]
        )
    if "convener" in changes:
        changes["convener"] = (
            None
            if command.convener is None
            else UnitContact(
                person_id=command.convener_user_id or body.convener_user_id or uuid.uuid4(),
                role="leader",
                **command.convener.model_dump(),
            ).model_dump(mode="json")
        )
    for key, value in changes.items():
        setattr(body, key, value)
    body.revision += 1
    body.updated_at = clock.now()
    await BodyRepository(session).flush()
    record(
        session,
        clock,
        scope.principal,
        "body-updated",
        subject_kind="meeting-body",
        subject_id=body.id,
        meeting_id=None,
        detail={"changed": sorted(changes)},
    )
    return body
