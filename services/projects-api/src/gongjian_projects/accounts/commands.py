"""Operator commands on accounts (`gongjian accounts ...`), run against the database like `gongjian seed`.

They act as the `admin` account (recorded as the actor in the audit log) and write the same events as the
routes; running services learn the change from those events (the token check of each process included).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from gongjian_projects.accounts import excel, service
from gongjian_projects.accounts.errors import AccountNotFound
from gongjian_projects.accounts.repository import AccountRepository
from gongjian_projects.accounts.schemas import AccountCreate, AccountUpdate
from gongjian_projects.identity.service import ADMIN_USERNAME, principal_of
from gongjian_projects.models import BUS
from gongjian_shared.access import UnitTree
from gongjian_shared.auth import Role
from gongjian_shared.clock import Clock, SystemClock
from gongjian_shared.db import create_engine, create_sessionmaker, unit_of_work
from gongjian_shared.errors import RuleViolation, field_error
from gongjian_shared.outbox import Outbox
from gongjian_shared.settings import BaseServiceSettings
from gongjian_shared.uow import UnitOfWork

PRODUCER = "projects-api"


@dataclass(frozen=True)
class Created:
    account_id: uuid.UUID
    username: str
    password: str


@asynccontextmanager
async def _operator(
    settings: BaseServiceSettings, clock: Clock | None = None
) -> AsyncIterator[tuple[UnitOfWork, service.AccountScope]]:
    clock = clock or SystemClock()
    engine = create_engine(settings.database)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            admin = await AccountRepository(session).by_username(ADMIN_USERNAME)
            if admin is None:
                raise RuntimeError("no `admin` account: run `gongjian seed` first")
            scope = service.account_scope(principal_of(admin), UnitTree())  # admin: every account
            yield UnitOfWork(session=session, outbox=Outbox(BUS, PRODUCER, clock), clock=clock), scope
    finally:
        await engine.dispose()


async def _unit_id(uow: UnitOfWork, unit: str | None) -> uuid.UUID | None:
    if not unit:
        return None
    units = await AccountRepository(uow.session).units()
    for candidate in units:
        if str(candidate.id) == unit or "".join(candidate.name.split()) == "".join(unit.split()):
            return candidate.id
    raise RuleViolation(errors=[field_error("unit", "unknown-unit", f"No unit {unit}", f"没有单位“{unit}”")])


async def _account_id(uow: UnitOfWork, username: str) -> uuid.UUID:
    user = await AccountRepository(uow.session).by_username(username)
    if user is None:
        raise AccountNotFound(f"No account {username}.")
    return user.id


async def create_account(
    settings: BaseServiceSettings,
    *,
    username: str,
    display_name: str,
    unit: str | None,
    roles: list[str],
    password: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    clock: Clock | None = None,
) -> Created:
    """A person's account; `unit` is a unit's name or id. The password must be changed at first sign-in."""
    async with _operator(settings, clock) as (uow, scope):
        command = AccountCreate(
            username=username,
            display_name=display_name,
            unit_id=await _unit_id(uow, unit),
            roles=[Role(role) for role in roles],
            email=email,
            phone=phone,
            initial_password=password,
        )
        user, initial = await service.create_account(uow, scope, command)
        return Created(user.id, user.username, initial)


async def reset_password(settings: BaseServiceSettings, username: str, clock: Clock | None = None) -> Created:
    async with _operator(settings, clock) as (uow, scope):
        user, password = await service.reset_password(uow, scope, await _account_id(uow, username))
        return Created(user.id, user.username, password)


async def disable(settings: BaseServiceSettings, username: str, clock: Clock | None = None) -> uuid.UUID:
    async with _operator(settings, clock) as (uow, scope):
        account_id = await _account_id(uow, username)
        await service.update_account(uow, scope, account_id, "*", AccountUpdate(active=False))
        return account_id


async def import_file(
    settings: BaseServiceSettings, content: bytes, clock: Clock | None = None
) -> list[Created]:
    async with _operator(settings, clock) as (uow, scope):
        created = await excel.import_accounts(uow, scope, content)
        return [Created(user.id, user.username, password) for user, password in created]
