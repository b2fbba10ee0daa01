"""Units and their people (单位与联系人); every change is told to the other services as `unit-updated`."""

from __future__ import annotations

import uuid

from sqlalchemy import func

from gongjian_projects.http import require_if_match
from gongjian_projects.models import Unit, UnitContact
from gongjian_projects.units.errors import UnitExists, UnitNotFound
from gongjian_projects.units.repository import UnitRepository
from gongjian_projects.units.schemas import ContactIn, ContactOut, UnitCreate, UnitOut, UnitPage, UnitUpdate
from gongjian_shared.auth import Principal
from gongjian_shared.errors import Forbidden, field_error
from gongjian_shared.events.projects import UnitContact as ContactEvent
from gongjian_shared.events.projects import UnitUpdated
from gongjian_shared.uow import UnitOfWork


def may_see_contacts(principal: Principal, unit_id: uuid.UUID) -> bool:
    return principal.is_office or principal.unit_id == unit_id


def to_out(unit: Unit, *, with_contacts: bool) -> UnitOut:
    return UnitOut(
        id=unit.id,
        name=unit.name,
        kind=unit.kind,
        admin_code=unit.admin_code,
        parent_unit_id=unit.parent_unit_id,
        joint_meeting_member=unit.joint_meeting_member,
        revision=unit.revision,
        contacts=[
            ContactOut(id=c.id, role=c.role, name=c.name, phone=c.phone, email=c.email, im_id=c.im_id)
            for c in unit.contacts
        ]
        if with_contacts
        else None,
    )


def unit_updated(unit: Unit) -> UnitUpdated:
    return UnitUpdated(
        unit_id=unit.id,
        name=unit.name,
        kind=unit.kind,
        admin_code=unit.admin_code,
        parent_unit_id=unit.parent_unit_id,
        joint_meeting_member=unit.joint_meeting_member,
        contacts=tuple(
            ContactEvent(
                person_id=c.id, role=c.role, name=c.name, phone=c.phone, email=c.email, im_id=c.im_id
            )
            for c in unit.contacts
        ),
    )


async def unit_page(
    uow: UnitOfWork, principal: Principal, *, kind: str | None, limit: int, offset: int
) -> UnitPage:
    """Units, with their contacts where the caller may see them."""
    units, total = await UnitRepository(uow.session).list(kind=kind, limit=limit, offset=offset)
    return UnitPage(
        items=[to_out(u, with_contacts=may_see_contacts(principal, u.id)) for u in units], total=total
    )


async def unit_of(uow: UnitOfWork, unit_id: uuid.UUID) -> Unit:
    """The unit with its contacts; 404 when there is none."""
    unit = await UnitRepository(uow.session).get(unit_id, with_contacts=True)
    if unit is None:
        raise UnitNotFound(f"No unit {unit_id}.")
    return unit


async def create_unit(uow: UnitOfWork, command: UnitCreate) -> Unit:
    session, outbox = uow.session, uow.outbox
    units = UnitRepository(session)
    if await units.by_name(command.name) is not None:
        raise UnitExists(errors=[field_error("name", "unique", "Name already used", "单位名称已存在")])
    if command.admin_code and await units.by_admin_code(command.admin_code) is not None:
        raise UnitExists(
            errors=[
                field_error("admin_code", "unique", "Administrative code already used", "行政区划代码已存在")
            ]
        )
    if command.parent_unit_id and await units.get(command.parent_unit_id) is None:
        raise UnitNotFound(
            errors=[field_error("parent_unit_id", "exists", "No such parent unit", "上级单位不存在")]
        )
    unit = Unit(
        id=uuid.uuid4(),
        name=command.name,
        kind=command.kind,
        admin_code=command.admin_code,
        parent_unit_id=command.parent_unit_id,
        joint_meeting_member=command.joint_meeting_member,
        revision=1,
        contacts=[
            UnitContact(
                id=uuid.uuid4(), role=c.role, name=c.name, phone=c.phone, email=c.email, im_id=c.im_id
            )
            for c in command.contacts
        ],
    )
    units.add(unit)
    await units.flush()
    await outbox.publish(session, unit_updated(unit), key=str(unit.id))
    return unit


async def update_unit(
    uow: UnitOfWork,
    principal: Principal,
    unit_id: uuid.UUID,
    if_match: str | None,
    command: UnitUpdate,
) -> Unit:
    """The office changes anything; a unit's own people change only its contacts (联系人)."""
    session, outbox = uow.session, uow.outbox
    units = UnitRepository(session)
    unit = await units.get(unit_id, with_contacts=True, for_update=True)
    if unit is None or not (principal.is_office or principal.unit_id == unit.id):
        raise UnitNotFound(f"No unit {unit_id}.")
    changes = command.model_dump(exclude_unset=True)
    if not principal.is_office and set(changes) - {"contacts"}:
        raise Forbidden(
            "A unit changes only its own contacts.",
            errors=[
                field_error(
                    sorted(set(changes) - {"contacts"})[0],
                    "office-only",
                    "Only the office changes this",
                    "仅办公室可修改",
                )
            ],
        )
    require_if_match(if_match, unit.revision)
    if (
        "name" in changes
        and changes["name"] != unit.name
        and await units.by_name(changes["name"]) is not None
    ):
        raise UnitExists(errors=[field_error("name", "unique", "Name already used", "单位名称已存在")])
    code = changes.get("admin_code")
    if code and code != unit.admin_code and await units.by_admin_code(code) is not None:
        raise UnitExists(
            errors=[
                field_error("admin_code", "unique", "Administrative code already used", "行政区划代码已存在")
            ]
        )
    parent = changes.get("parent_unit_id")
    if parent is not None and (parent == unit.id or await units.get(parent) is None):
        raise UnitNotFound(
            errors=[field_error("parent_unit_id", "exists", "No such parent unit", "上级单位不存在")]
        )
    for name in ("name", "kind", "admin_code", "parent_unit_id", "joint_meeting_member"):
        if name in changes:
            setattr(unit, name, changes[name])
    if command.contacts is not None:
        unit.contacts = replace_contacts(unit.contacts, command.contacts)
    unit.revision += 1
    unit.updated_at = func.now()
    await units.flush()
    await session.refresh(unit, ["updated_at"])
    await outbox.publish(session, unit_updated(unit), key=str(unit.id))
    return unit


def replace_contacts(current: list[UnitContact], wanted: list[ContactIn]) -> list[UnitContact]:
    """The new contact list; a person still on it (same role and name) keeps their id and account link,
    so replicas keyed by the contact id and the account's `contact_ids` stay right."""
    kept = {(contact.role, contact.name): contact for contact in current}
    contacts = []
    for c in wanted:
        contact = kept.pop((c.role, c.name), None) or UnitContact(id=uuid.uuid4(), role=c.role, name=c.name)
        contact.phone, contact.email, contact.im_id = c.phone, c.email, c.im_id
        contacts.append(contact)
    return contacts
