"""Accounts and sign-in (登录): passwords, client credentials, lockout and the first-sign-in password change.

Brute force: 5 wrong passwords for one username within 15 minutes lock it for 15 minutes, and 50 failures
from one client address within 15 minutes lock that address; a locked attempt answers 429 with Retry-After
before any password is checked. Unknown usernames are counted and answered exactly like known ones, and
their password is checked against a dummy argon2 hash, so neither the answer nor its time tells whether an
account exists. The request's transaction rolls back on a failed sign-in, so the failure and the lock are
written in a transaction of their own.
"""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gongjian_projects.identity.errors import (
    SignInLocked,
    WeakPassword,
    WrongClientCredentials,
    WrongCredentials,
    WrongCurrentPassword,
)
from gongjian_projects.identity.passwords import ensure_strong
from gongjian_projects.identity.repository import (
    AuditRepository,
    RefreshTokenRepository,
    ThrottleRepository,
    UserRepository,
)
from gongjian_projects.identity.states import record_account_change
from gongjian_projects.models import User
from gongjian_shared.auth import Principal, Role, hash_password, verify_password
from gongjian_shared.db import unit_of_work
from gongjian_shared.errors import NotAuthenticated, field_error
from gongjian_shared.uow import UnitOfWork

ADMIN_USERNAME = "admin"
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)
USER_FAILURE_LIMIT = 5
ADDRESS_FAILURE_LIMIT = 50
# a password hash that no password matches, so a service account's password sign-in always fails
UNUSABLE_PASSWORD = "!"


@cache
def dummy_hash() -> str:
    """An argon2 hash with the same parameters as real ones: unknown users cost the same time."""
    return hash_password(uuid.uuid4().hex)


def principal_of(user: User) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        unit_id=user.unit_id,
        roles=frozenset(user.roles),
        token_version=user.token_version,
        password_change_required=user.must_change_password,
        scopes=frozenset(user.scopes or ()),
        kind=user.kind,
    )


def _user_key(username: str) -> str:
    return f"user:{username.strip().lower()}"


def _address_key(address: str | None) -> str:
    return f"addr:{address or 'unknown'}"


def _retry_after(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds()))


async def _refuse_if_locked(uow: UnitOfWork, username: str, address: str | None) -> None:
    now = uow.clock.now()
    until = await ThrottleRepository(uow.session).locked_until(
        [_user_key(username), _address_key(address)], now
    )
    if until is not None:
        raise SignInLocked(_retry_after(until, now))


async def _record_failure(
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    username: str,
    user: User | None,
    address: str | None,
) -> None:
    """Count the failure and lock where the limits are reached, committed whatever the request does next."""
    account_id, unit_id = (user.id, user.unit_id) if user is not None else (None, None)
    async with unit_of_work(sessionmaker) as session:
        throttle = ThrottleRepository(session)
        failures, user_lock = await throttle.fail(
            _user_key(username), now, window=WINDOW, limit=USER_FAILURE_LIMIT, lock=LOCK
        )
        address_failures, address_lock = await throttle.fail(
            _address_key(address), now, window=WINDOW, limit=ADDRESS_FAILURE_LIMIT, lock=LOCK
        )
        audit = AuditRepository(session)
        for action, happened in (
            ("sign-in-failed", True),
            ("sign-in-locked", failures == USER_FAILURE_LIMIT),
            ("address-locked", address_failures == ADDRESS_FAILURE_LIMIT),
        ):
            if happened:
                audit.record(
                    now,
                    action,
                    username=username,
                    account_id=account_id,
                    unit_id=unit_id,
                    address=address,
                    detail={"failures": failures, "address_failures": address_failures},
                )
    locks = [lock for lock in (user_lock, address_lock) if lock is not None and lock > now]
    if locks:
        raise SignInLocked(_retry_after(max(locks), now))


async def sign_in(
    uow: UnitOfWork,
    sessionmaker: async_sessionmaker[AsyncSession],
    username: str,
    password: str,
    address: str | None,
) -> User:
    """The account a username and password name; 401 when wrong, 429 while locked (alike for everyone)."""
    return await _authenticate(
        uow, sessionmaker, username, password, address, kind="person", action="sign-in"
    )


async def client_sign_in(
    uow: UnitOfWork,
    sessionmaker: async_sessionmaker[AsyncSession],
    client_id: str,
    client_secret: str,
    address: str | None,
) -> User:
    """A service account by its client id and secret (OAuth2 client credentials)."""
    return await _authenticate(
        uow, sessionmaker, client_id, client_secret, address, kind="service", action="client-sign-in"
    )


async def _authenticate(
    uow: UnitOfWork,
    sessionmaker: async_sessionmaker[AsyncSession],
    name: str,
    secret: str,
    address: str | None,
    *,
    kind: str,
    action: str,
) -> User:
    """One check for people and machines: the lock first, then one argon2 verification whether or not the
    account exists (a dummy hash for unknown names, so timing tells nothing), failures counted in their own
    transaction, success clearing the count and audited."""
    await _refuse_if_locked(uow, name, address)
    user = await UserRepository(uow.session).by_username(name)
    stored = None if user is None or user.kind != kind else _secret_hash(user)
    if stored is None:
        verify_password(dummy_hash(), secret)
        matches = False
    else:
        matches = verify_password(stored, secret)
    now = uow.clock.now()
    if user is None or not matches or not user.active or user.kind != kind:
        await _record_failure(sessionmaker, now, name, user, address)
        if kind == "service":
            raise WrongClientCredentials("The client id or secret is wrong.")
        raise WrongCredentials("The username or password is wrong.")
    await ThrottleRepository(uow.session).clear(_user_key(name))
    user.last_sign_in_at = now
    AuditRepository(uow.session).record(
        now, action, username=user.username, account_id=user.id, unit_id=user.unit_id, address=address
    )
    return user


def _secret_hash(user: User) -> str | None:
    return user.client_secret_hash if user.kind == "service" else user.password_hash


async def change_password(uow: UnitOfWork, principal: Principal, current: str, new: str) -> User:
    """The caller's own password change (改密码): every token and refresh token issued before stops holding."""
    user = await UserRepository(uow.session).get(principal.user_id, for_update=True)
    if user is None or not user.active or user.kind != "person":
        raise NotAuthenticated("The account no longer exists or is disabled.")
    if not verify_password(user.password_hash, current):
        raise WrongCurrentPassword(
            errors=[field_error("current_password", "wrong", "The current password is wrong", "当前密码错误")]
        )
    ensure_strong(new, user.username)
    if new == current:
        raise WeakPassword(
            errors=[
                field_error("new_password", "unchanged", "Choose a new password", "新密码不能与当前密码相同")
            ]
        )
    now = uow.clock.now()
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.token_version += 1
    user.revision += 1
    user.updated_at = now
    await RefreshTokenRepository(uow.session).revoke_all_of(user.id, now)
    await record_account_change(uow, user, "updated", "password-changed", actor_id=user.id)
    return user


async def create_user(
    users: UserRepository,
    *,
    username: str,
    password: str,
    display_name: str,
    roles: list[Role],
    unit_id: uuid.UUID | None = None,
    must_change_password: bool = False,
    email: str | None = None,
    phone: str | None = None,
    created_by: uuid.UUID | None = None,
) -> User:
    user = User(
        id=uuid.uuid4(),
        username=username,
        kind="person",
        password_hash=hash_password(password),
        display_name=display_name,
        unit_id=unit_id,
        roles=[Role(role).value for role in roles],
        scopes=[],
        email=email,
        phone=phone,
        active=True,
        must_change_password=must_change_password,
        token_version=0,
        revision=1,
        created_by=created_by,
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
