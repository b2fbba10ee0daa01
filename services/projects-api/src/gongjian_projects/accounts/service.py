"""Accounts (账号管理): created by the office, or by a unit's own account administrator for its unit and the
units under it; roles granted by the table `GRANTABLE`, so nobody grants a role above their own.

Every change records the account's whole state as an event in the same transaction, and a change of
`active`, roles, unit or password raises its token version: tokens issued before stop holding at the next
request (the routes apply the new version to this process's token check once the transaction committed).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from gongjian_projects.accounts.errors import (
    AccountNotFound,
    NotAccountAdministrator,
    RoleNotGrantable,
    UsernameTaken,
)
from gongjian_projects.accounts.repository import AccountRepository, AuditLogRepository
from gongjian_projects.accounts.schemas import (
    AccountCreate,
    AccountFilter,
    AccountLinksOut,
    AccountOut,
    AccountPage,
    AccountUpdate,
    AuditFilter,
    AuditOut,
    AuditPage,
)
from gongjian_projects.http import require_if_match
from gongjian_projects.identity.passwords import ensure_strong, generate_password
from gongjian_projects.identity.repository import RefreshTokenRepository, UserRepository
from gongjian_projects.identity.service import create_user
from gongjian_projects.identity.states import audit_account, publish_account, record_account_change
from gongjian_projects.models import User
from gongjian_shared.access import UnitTree
from gongjian_shared.auth import Principal, Role, hash_password
from gongjian_shared.errors import Conflict, Forbidden, NotFound, RuleViolation, field_error
from gongjian_shared.uow import UnitOfWork

_PEOPLE = frozenset(role for role in Role if role is not Role.SERVICE)

# Who may grant which role (授权表). Nobody grants a role above their own; a unit-admin only within its unit
# and the units under it.
GRANTABLE: dict[Role, frozenset[Role]] = {
    Role.ADMIN: _PEOPLE,
    Role.OFFICE: _PEOPLE - {Role.ADMIN},
    Role.UNIT_ADMIN: frozenset({Role.UNIT_ADMIN, Role.REPORTER, Role.LIAISON, Role.REVIEWER}),
}


def grantable_by(principal: Principal) -> frozenset[Role]:
    granted: frozenset[Role] = frozenset()
    for role in principal.roles:
        if role in GRANTABLE:
            granted |= GRANTABLE[Role(role)]
    return granted


@dataclass(frozen=True)
class AccountScope:
    """Whose accounts the caller administers: every one (`unit_ids` None) or those of a unit subtree."""

    principal: Principal
    unit_ids: frozenset[uuid.UUID] | None
    grantable: frozenset[Role]

    @property
    def everything(self) -> bool:
        return self.unit_ids is None

    def sees(self, user: User) -> bool:
        if user.kind == "service":
            return self.everything
        return self.unit_ids is None or (user.unit_id is not None and user.unit_id in self.unit_ids)

    def may_place_in(self, unit_id: uuid.UUID | None) -> bool:
        return self.unit_ids is None or (unit_id is not None and unit_id in self.unit_ids)


def account_scope(principal: Principal, tree: UnitTree) -> AccountScope:
    """Whose accounts the caller administers, from the token and the cached unit tree (no round trip);
    403 for callers who administer none."""
    if principal.is_office:
        return AccountScope(principal, None, grantable_by(principal))
    if principal.has(Role.UNIT_ADMIN) and principal.unit_id is not None:
        return AccountScope(principal, tree.subtree(principal.unit_id), grantable_by(principal))
    raise NotAccountAdministrator(
        "Only the office or a unit's account administrator (unit-admin) manages accounts."
    )


def ensure_grantable(scope: AccountScope, roles: Iterable[str], field: str = "roles") -> None:
    refused = sorted(role for role in roles if Role(role) not in scope.grantable)
    if refused:
        raise RoleNotGrantable(
            f"You may not grant: {', '.join(refused)}.",
            errors=[
                field_error(
                    field, "not-grantable", f"Not grantable by you: {', '.join(refused)}", "无权授予该角色"
                )
            ],
        )


def _ensure_unit(scope: AccountScope, unit_id: uuid.UUID | None) -> None:
    if not scope.may_place_in(unit_id):
        raise Forbidden(
            "You manage the accounts of your unit and the units under it only.",
            errors=[
                field_error(
                    "unit_id",
                    "own-unit",
                    "Not your unit or a unit under it",
                    "只能管理本单位及下级单位的账号",
                )
            ],
        )


async def _ensure_unit_exists(repository: AccountRepository, unit_id: uuid.UUID | None) -> None:
    if unit_id is not None and await repository.unit(unit_id) is None:
        # 404, as for any id that names nothing: the request is valid, the unit it refers to is not there
        raise NotFound(
            "The unit named by unit_id does not exist.",
            errors=[field_error("unit_id", "unknown-unit", "No such unit", "单位不存在")],
        )


def to_out(user: User, links: tuple[list[uuid.UUID], uuid.UUID | None] = ([], None)) -> AccountOut:
    return AccountOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        kind=user.kind,
        unit_id=user.unit_id,
        roles=list(user.roles),
        scopes=list(user.scopes or ()),
        email=user.email,
        phone=user.phone,
        active=user.active,
        must_change_password=user.must_change_password,
        links=AccountLinksOut(contact_ids=links[0], leader_id=links[1]),
        created_at=user.created_at,
        updated_at=user.updated_at,
        last_sign_in_at=user.last_sign_in_at,
        revision=user.revision,
    )


async def account_out(uow: UnitOfWork, user: User) -> AccountOut:
    links = await AccountRepository(uow.session).links([user.id])
    return to_out(user, links[user.id])


async def account_page(uow: UnitOfWork, where: AccountFilter, *, limit: int, offset: int) -> AccountPage:
    repository = AccountRepository(uow.session)
    users, total = await repository.page(where, limit=limit, offset=offset)
    links = await repository.links([user.id for user in users])
    return AccountPage(
        items=[to_out(user, links[user.id]) for user in users], total=total, limit=limit, offset=offset
    )


async def audit_page(uow: UnitOfWork, where: AuditFilter, *, limit: int, offset: int) -> AuditPage:
    entries, total = await AuditLogRepository(uow.session).page(where, limit=limit, offset=offset)
    return AuditPage(
        items=[AuditOut.model_validate(entry) for entry in entries], total=total, limit=limit, offset=offset
    )


async def visible_account(
    uow: UnitOfWork, scope: AccountScope, account_id: uuid.UUID, *, for_update: bool = False
) -> User:
    """The account, or 404 when it does not exist or lies outside the caller's units (ids cannot be probed)."""
    user = await AccountRepository(uow.session).get(account_id, for_update=for_update)
    if user is None or not scope.sees(user):
        raise AccountNotFound(f"No account {account_id}.")
    return user


def ensure_may_manage(scope: AccountScope, user: User) -> None:
    """An account holding a role the caller may not grant is above the caller: read it, but not change it."""
    ensure_grantable(scope, [role for role in user.roles if role != Role.SERVICE.value], field="account")
    if user.kind == "service" and not scope.everything:
        raise NotAccountAdministrator("Service accounts are managed by the office.")


async def new_account(
    uow: UnitOfWork, scope: AccountScope, command: AccountCreate, *, password: str | None = None
) -> tuple[User, str]:
    """Create a person's account (no event yet: `create_account` and the import publish)."""
    repository = AccountRepository(uow.session)
    ensure_grantable(scope, [role.value for role in command.roles])
    _ensure_unit(scope, command.unit_id)
    await _ensure_unit_exists(repository, command.unit_id)
    if await repository.by_username(command.username) is not None:
        raise UsernameTaken(
            errors=[field_error("username", "unique", "This username is taken", "用户名已被使用")]
        )
    if password is None:
        if command.initial_password is not None:
            ensure_strong(command.initial_password, command.username, field="initial_password")
        password = command.initial_password or generate_password(command.username)
    now = uow.clock.now()
    user = await create_user(
        UserRepository(uow.session),
        username=command.username,
        password=password,
        display_name=command.display_name,
        roles=list(command.roles),
        unit_id=command.unit_id,
        must_change_password=True,
        email=command.email,
        phone=command.phone,
        created_by=scope.principal.user_id,
    )
    user.created_at = user.updated_at = now
    try:
        await repository.flush()
    except IntegrityError:  # the same username created by a concurrent request
        raise UsernameTaken(
            errors=[field_error("username", "unique", "This username is taken", "用户名已被使用")]
        ) from None
    audit_account(uow, user, "account-created", actor_id=scope.principal.user_id, roles=list(user.roles))
    return user, password


async def create_account(uow: UnitOfWork, scope: AccountScope, command: AccountCreate) -> tuple[User, str]:
    user, password = await new_account(uow, scope, command)
    await publish_account(uow, user, "created")
    return user, password


async def _link(uow: UnitOfWork, scope: AccountScope, user: User, command: AccountUpdate) -> dict[str, Any]:
    repository = AccountRepository(uow.session)
    changed: dict[str, Any] = {}
    if "leader_id" in command.model_fields_set:
        if command.leader_id is not None:
            leader = await repository.leader(command.leader_id)
            if leader is None or not (
                scope.everything or (leader.unit_id and scope.may_place_in(leader.unit_id))
            ):
                raise RuleViolation(
                    errors=[field_error("leader_id", "unknown", "No such leader", "领导不存在")]
                )
        await repository.link_leader(user.id, command.leader_id)
        changed["leader_id"] = str(command.leader_id) if command.leader_id else None
    if command.contact_ids is not None:
        wanted = set(command.contact_ids)
        contacts = await repository.contacts(wanted)
        if len(contacts) != len(wanted) or any(
            not scope.may_place_in(contact.unit_id) for contact in contacts
        ):
            raise RuleViolation(
                errors=[
                    field_error("contact_ids", "unknown", "No such contact in your units", "联系人不存在")
                ]
            )
        await repository.link_contacts(user.id, wanted)
        changed["contact_ids"] = sorted(str(contact_id) for contact_id in wanted)
    return changed


async def update_account(
    uow: UnitOfWork, scope: AccountScope, account_id: uuid.UUID, if_match: str | None, command: AccountUpdate
) -> User:
    """Change an account (账号修改); If-Match required. Raises the token version on active, roles or unit."""
    user = await visible_account(uow, scope, account_id, for_update=True)
    require_if_match(if_match, user.revision)
    ensure_may_manage(scope, user)
    sent = command.model_fields_set
    changed: dict[str, Any] = {}
    revoke = False
    self_change = user.id == scope.principal.user_id
    if command.roles is not None and sorted(r.value for r in command.roles) != sorted(user.roles):
        if user.kind == "service":
            raise Conflict(
                errors=[
                    field_error(
                        "roles", "service", "Service accounts keep their role", "服务账号的角色不可修改"
                    )
                ]
            )
        ensure_grantable(scope, [role.value for role in command.roles])
        changed["roles"] = {"from": sorted(user.roles), "to": sorted(r.value for r in command.roles)}
        user.roles = [role.value for role in command.roles]
        revoke = True
    if "unit_id" in sent and command.unit_id != user.unit_id:
        _ensure_unit(scope, command.unit_id)
        await _ensure_unit_exists(AccountRepository(uow.session), command.unit_id)
        changed["unit_id"] = {"from": str(user.unit_id), "to": str(command.unit_id)}
        user.unit_id = command.unit_id
        revoke = True
    if command.active is not None and command.active != user.active:
        changed["active"] = command.active
        user.active = command.active
        revoke = True
    if self_change and revoke:
        raise Forbidden(
            "You may not change your own roles, unit or status.",
            errors=[field_error("account", "self", "Your own account", "不能修改自己的角色、单位或状态")],
        )
    for name in ("display_name", "email", "phone"):
        if name in sent and getattr(command, name) != getattr(user, name):
            changed[name] = getattr(command, name)
            setattr(user, name, getattr(command, name))
    changed |= await _link(uow, scope, user, command)
    if not changed:
        return user
    now = uow.clock.now()
    user.revision += 1
    user.updated_at = now
    if revoke:
        user.token_version += 1
        await RefreshTokenRepository(uow.session).revoke_all_of(user.id, now)
    actor_id = scope.principal.user_id
    if "roles" in changed:
        audit_account(uow, user, "roles-changed", actor_id=actor_id, **changed["roles"])
    if "active" in changed:
        audit_account(uow, user, "account-enabled" if user.active else "account-disabled", actor_id=actor_id)
    await record_account_change(
        uow,
        user,
        "updated" if user.active else "disabled",
        "account-updated",
        actor_id=actor_id,
        fields=sorted(changed),
    )
    return user


async def reset_password(uow: UnitOfWork, scope: AccountScope, account_id: uuid.UUID) -> tuple[User, str]:
    """A new one-time password (重置密码): shown once, to be changed at the next sign-in; sessions end.

    Not one's own: a stolen access token must not turn into the account's password. People change their own
    password with `POST /api/v1/auth/password`, which asks for the current one.
    """
    user = await visible_account(uow, scope, account_id, for_update=True)
    if user.id == scope.principal.user_id:
        raise Forbidden(
            "Change your own password with POST /api/v1/auth/password (修改本人密码请用修改密码接口).",
            errors=[
                field_error(
                    "account_id", "own-account", "Not your own account", "不能重置本人密码，请使用修改密码"
                )
            ],
        )
    ensure_may_manage(scope, user)
    if user.kind != "person":
        raise Conflict(
            errors=[
                field_error(
                    "account", "service", "Rotate a service account's secret instead", "服务账号请轮换密钥"
                )
            ]
        )
    password = generate_password(user.username)
    now = uow.clock.now()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.token_version += 1
    user.revision += 1
    user.updated_at = now
    await RefreshTokenRepository(uow.session).revoke_all_of(user.id, now)
    await record_account_change(uow, user, "updated", "password-reset", actor_id=scope.principal.user_id)
    return user, password
