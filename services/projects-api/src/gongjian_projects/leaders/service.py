"""Leaders who push projects (领导包抓)."""

from __future__ import annotations

import uuid

from gongjian_projects.identity.repository import UserRepository
from gongjian_projects.leaders.errors import AccountNotFound, AccountTaken
from gongjian_projects.leaders.repository import LeaderRepository
from gongjian_projects.leaders.schemas import LeaderCreate, LeaderOut
from gongjian_projects.models import Leader
from gongjian_projects.units.errors import UnitNotFound
from gongjian_projects.units.repository import UnitRepository
from gongjian_shared.errors import field_error
from gongjian_shared.uow import UnitOfWork


def to_out(leader: Leader) -> LeaderOut:
    return LeaderOut.model_validate(leader, from_attributes=True)


async def all_leaders(uow: UnitOfWork) -> list[LeaderOut]:
    return [to_out(leader) for leader in await LeaderRepository(uow.session).list()]


async def create_leader(uow: UnitOfWork, command: LeaderCreate) -> Leader:
    session = uow.session
    if command.unit_id and await UnitRepository(session).get(command.unit_id) is None:
        raise UnitNotFound(errors=[field_error("unit_id", "exists", "No such unit", "单位不存在")])
    if command.user_id and await UserRepository(session).get(command.user_id) is None:
        raise AccountNotFound(errors=[field_error("user_id", "exists", "No such account", "账号不存在")])
    leaders = LeaderRepository(session)
    if command.user_id and await leaders.ids_for_user(command.user_id):
        raise AccountTaken(
            errors=[
                field_error("user_id", "unique", "Account already linked to a leader", "该账号已关联包抓领导")
            ]
        )
    leader = Leader(id=uuid.uuid4(), **command.model_dump())
    leaders.add(leader)
    await leaders.flush()
    return leader
