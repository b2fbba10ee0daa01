"""Meeting bodies (联席会议): the city body and one per county or zone, kept from the unit replica."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from gongjian_meetings.access import body_filter, ensure_runs, runs, sees
from gongjian_meetings.audit.service import Subject, record
from gongjian_meetings.bodies.errors import BodyNotFound
from gongjian_meetings.bodies.repository import BodyRepository
from gongjian_meetings.bodies.schemas import BodyMemberOut, BodyOut, BodyUpdate
from gongjian_meetings.members.repository import ReplicaRepository, ReplicaRow
from gongjian_meetings.members.service import liaisons, owing
from gongjian_meetings.models import MeetingBody
from gongjian_shared.access import Scope
from gongjian_shared.concurrency import require_if_match
from gongjian_shared.errors import RuleViolation, field_error
from gongjian_shared.events.projects import UnitContact, UnitOwing
from gongjian_shared.uow import UnitOfWork

CITY_BODY_NAME = "安康市重点项目建设双月协调联席会议"
WINDOWS = ("topic_days", "agenda_days", "circulation_days")


def body_name(unit_name: str) -> str:
    return f"{unit_name}重点项目建设双月协调联席会议"


async def ensure_bodies_for(uow: UnitOfWork, unit_id: uuid.UUID, kind: str, name: str) -> None:
    """The city body always; a county or zone gets its own body as soon as the unit is known."""
    bodies = BodyRepository(uow.session)
    await bodies.ensure(level="city", unit_id=None, name=CITY_BODY_NAME)
    if kind in ("county", "zone"):
        await bodies.ensure(level=kind, unit_id=unit_id, name=body_name(name))


async def get_body(
    uow: UnitOfWork, body_id: uuid.UUID, *, for_update: bool = False, scope: Scope | None = None
) -> MeetingBody:
    """With `scope`, a body the caller may not see answers 404 like a missing one."""
    body = await BodyRepository(uow.session).get(body_id, for_update=for_update)
    if body is None or (scope is not None and not sees(scope, body)):
        raise BodyNotFound(f"No meeting body {body_id} that you may see.")
    return body


async def list_bodies(uow: UnitOfWork, scope: Scope) -> Sequence[MeetingBody]:
    return await BodyRepository(uow.session).list(body_filter(scope))


async def members(uow: UnitOfWork, body: MeetingBody) -> Sequence[ReplicaRow]:
    """The city body's members are the registry's joint-meeting members; a county's, itself and its units."""
    replica = ReplicaRepository(uow.session)
    if body.level == "city":
        return await replica.joint_meeting_members()
    assert body.unit_id is not None
    return await replica.unit_and_children(body.unit_id)


async def member_ids(uow: UnitOfWork, body: MeetingBody) -> set[uuid.UUID]:
    return {row["unit_id"] for row in await members(uow, body)}


async def body_members(uow: UnitOfWork, scope: Scope, body_id: uuid.UUID) -> list[BodyMemberOut]:
    """A body's member units; liaison names for the office running it only."""
    body = await get_body(uow, body_id, scope=scope)
    show_liaisons = runs(scope, body)
    return [
        BodyMemberOut(
            unit_id=row["unit_id"],
            name=str(row["name"]),
            kind=str(row["kind"]),
            liaisons=[contact.name for contact in liaisons(row)] if show_liaisons else None,
        )
        for row in await members(uow, body)
    ]


async def office_of(uow: UnitOfWork, body: MeetingBody) -> UnitOwing | None:
    if body.office_unit_id is None:
        return None
    row = await ReplicaRepository(uow.session).get(body.office_unit_id)
    return owing(row) if row else None


def convener_of(body: MeetingBody) -> UnitContact | None:
    return UnitContact.model_validate(body.convener) if body.convener else None


def to_out(body: MeetingBody) -> BodyOut:
    return BodyOut.model_validate(body, from_attributes=True)


def check_windows_ordered(body: MeetingBody, changes: dict[str, Any]) -> None:
    """The windows after the change, each from the change or the body: topics > agenda > circulation >= 1."""
    days = {key: changes.get(key, getattr(body, key)) for key in WINDOWS}
    if not days["topic_days"] > days["agenda_days"] > days["circulation_days"] >= 1:
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


async def check_office_unit_known(uow: UnitOfWork, office_unit_id: uuid.UUID | None) -> None:
    if office_unit_id is not None and await ReplicaRepository(uow.session).get(office_unit_id) is None:
        raise RuleViolation(
            errors=[field_error("office_unit_id", "known-unit", "No such unit", "办公室所在单位不存在")]
        )


def convener_contact(body: MeetingBody, command: BodyUpdate) -> dict[str, Any] | None:
    """The convener as stored: a leader's contact, under the named user (or the body's, or a new id)."""
    if command.convener is None:
        return None
    return UnitContact(
        person_id=command.convener_user_id or body.convener_user_id or uuid.uuid4(),
        role="leader",
        **command.convener.model_dump(),
    ).model_dump(mode="json")


async def update_body(
    uow: UnitOfWork, scope: Scope, body_id: uuid.UUID, command: BodyUpdate, if_match: str | None
) -> MeetingBody:
    body = await get_body(uow, body_id, for_update=True, scope=scope)
    ensure_runs(scope, body)
    require_if_match(if_match, body.revision)
    changes = command.model_dump(exclude_unset=True)
    check_windows_ordered(body, changes)
    await check_office_unit_known(uow, command.office_unit_id)
    if "convener" in changes:
        changes["convener"] = convener_contact(body, command)
    for key, value in changes.items():
        setattr(body, key, value)
    body.revision += 1
    body.updated_at = uow.clock.now()
    await BodyRepository(uow.session).flush()
    record(uow, scope.principal, "body-updated", Subject.body(body), {"changed": sorted(changes)})
    return body
