"""Accounts and sign-in (登录)."""

from __future__ import annotations

import uuid

from gongjian_projects.identity.errors import WrongCredentials
from gongjian_projects.identity.repository import UserRepository
from gongjian_projects.models import User
from gongjian_shared.auth import Principal, Role, hash_password, verify_password

ADMIN_USERNAME = "admin"


def principal_of(user: User) -> Principal:
    return Principal(
        user_id=user.id, username=user.username, unit_id=user.unit_id, roles=frozenset(user.roles)
    )


async def authenticate(users: UserRepository, username: str, password: str) -> Principal:
    user = await users.by_username(username)
    if user is None or not user.active or not verify_password(user.password_hash, password):
        raise WrongCredentials("The username or password is wrong.")
    return principal_of(user)


async def create_user(
    users: UserRepository,
    *,
    username: str,
    password: str,
    display_name: str,
    roles: list[Role],
    unit_id: uuid.UUID | None = None,
) -> User:
    user = User(
        id=uuid.uuid4(),
        username=username,
        password_hash=hash_password(password),
        display_name=display_name,
        unit_id=unit_id,
        roles=[role.value for role in roles],
        active=True,
    )
    users.add(user)
    return user


async def ensure_admin(users: UserRepository, password: str) -> bool:
    """Create the `admin` account if missing; True when it was created now."""
    if await users.by_username(ADMIN_USERNAME) is not None:
        return False
    await create_user(
        users,
        username=ADMIN_USERNAME,
        password=password,
        display_name="系统管理员",
        roles=[Role.ADMIN, Role.OFFICE],
    )
    return True
