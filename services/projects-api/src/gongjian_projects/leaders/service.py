"""Leaders who push projects (领导包抓)."""

from __future__ import annotations

import uuid

from gongjian_projects.identity.repository import UserRepository
from gongjian_projects.identity.states import record_account_change
from gongjian_projects.leaders.errors import AccountNotFound, AccountTaken, LeaderNotFound
from gongjian_projects.leaders.repository import LeaderRepository
from gongjian_projects.leaders.schemas import LeaderAccountLink, LeaderCreate, LeaderOut
from gongjian_projects.models import Leader, User
from gongjian_projects.units.errors import UnitNotFound
from gongjian_projects.units.repository import UnitRepository
from gongjian_shared.errors import field_error
from gongjian_shared.uow import UnitOfWork


def to_out(leader: Leader) -> LeaderOut:
    return LeaderOut.model_validate(leader, from_attributes=True)


async def all_leaders(uow: UnitOfWork) -> list[LeaderOut]:
    return [to_out(leader) for leader in await LeaderRepository(uow.session).list()]


async def create_leader(uow: UnitOfWork, command: LeaderCreate, actor_id: uuid.UUID) -> Leader:
    """A new leader; an account named at once is linked as `link_account` links it (audited, evented), so the
    notifier reaches the leader through it."""
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
    leader = Leader(id=uuid.uuid4(), **command.model_dump(exclude={"user_id"}))
    leaders.add(leader)
    await leaders.flush()
    if command.user_id is not None:
        await link_account(uow, leader.id, LeaderAccountLink(user_id=command.user_id), actor_id)
    return leader


async def _relink(uow: UnitOfWork, user: User, action: str, leader: Leader, actor_id: uuid.UUID) -> None:
    """An account whose leader link changed: audited, and its whole state as `account-updated`."""
    user.revision += 1
    user.updated_at = uow.clock.now()
    await record_account_change(
        uow, user, "updated", action, actor_id=actor_id, leader_id=str(leader.id), leader_name=leader.name
    )


async def link_account(
    uow: UnitOfWork, leader_id: uuid.UUID, command: LeaderAccountLink, actor_id: uuid.UUID
) -> Leader:
    """Change the account a leader signs in with (更换包抓领导账号), the office's: the account unlinked and
    the account linked are each audited (`leader-unlinked`, `leader-linked`) and published as
    `account-updated`, as linking from the account's side is. Linking the account it has changes nothing."""
    leaders, users = LeaderRepository(uow.session), UserRepository(uow.session)
    leader = await leaders.get(leader_id, for_update=True)
    if leader is None:
        raise LeaderNotFound(f"No leader {leader_id}.")
    if command.user_id == leader.user_id:
        return leader
    new = await users.get(command.user_id, for_update=True) if command.user_id is not None else None
    if command.user_id is not None and new is None:
        raise AccountNotFound(errors=[field_error("user_id", "exists", "No such account", "账号不存在")])
    if new is not None and await leaders.ids_for_user(new.id):
        raise AccountTaken(
            errors=[
                field_error("user_id", "unique", "Account already linked to a leader", "该账号已关联包抓领导")
            ]
        )
    old = await users.get(leader.user_id, for_update=True) if leader.user_id is not None else None
    leader.user_id = None
    await leaders.flush()
    if old is not None:
        await _relink(uow, old, "leader-unlinked", leader, actor_id)
    if new is not None:
        leader.user_id = new.id
        await leaders.flush()
        await _relink(uow, new, "leader-linked", leader, actor_id)
    return leader
