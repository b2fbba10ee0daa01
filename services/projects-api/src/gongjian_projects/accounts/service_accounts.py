"""Service accounts (服务账号): machine clients with scopes, signing in with OAuth2 client credentials.

The client id is the account's name; the secret is shown once at creation and at each rotation, and only its
argon2 hash is kept. Rotating refuses the old secret at once and ends the tokens issued with it.
"""

from __future__ import annotations

import secrets
import uuid

from gongjian_projects.accounts.errors import UsernameTaken
from gongjian_projects.accounts.repository import AccountRepository
from gongjian_projects.accounts.schemas import AccountFilter, ServiceAccountCreate
from gongjian_projects.accounts.service import AccountScope, visible_account
from gongjian_projects.identity.service import UNUSABLE_PASSWORD
from gongjian_projects.identity.states import record_account_change
from gongjian_projects.models import User
from gongjian_shared.auth import SCOPE_GRANTS, Role, hash_password
from gongjian_shared.errors import Conflict, Forbidden, RuleViolation, field_error
from gongjian_shared.uow import UnitOfWork


def _office_only(scope: AccountScope) -> None:
    if not scope.everything:
        raise Forbidden("Service accounts are managed by the office.")


def _secret() -> str:
    return secrets.token_urlsafe(32)


async def create_service_account(
    uow: UnitOfWork, scope: AccountScope, command: ServiceAccountCreate
) -> tuple[User, str]:
    _office_only(scope)
    unknown = sorted(set(command.scopes) - set(SCOPE_GRANTS))
    if unknown:
        raise RuleViolation(
            errors=[
                field_error(
                    "scopes",
                    "unknown-scope",
                    f"Unknown scopes: {', '.join(unknown)}; known: {', '.join(sorted(SCOPE_GRANTS))}",
                    "未知的授权范围",
                )
            ]
        )
    repository = AccountRepository(uow.session)
    if await repository.by_username(command.name) is not None:
        raise UsernameTaken(errors=[field_error("name", "unique", "This name is taken", "名称已被使用")])
    secret = _secret()
    now = uow.clock.now()
    user = User(
        id=uuid.uuid4(),
        username=command.name,
        kind="service",
        password_hash=UNUSABLE_PASSWORD,
        client_secret_hash=hash_password(secret),
        display_name=command.display_name,
        unit_id=None,
        roles=[Role.SERVICE.value],
        scopes=sorted(set(command.scopes)),
        active=True,
        must_change_password=False,
        token_version=0,
        revision=1,
        created_by=scope.principal.user_id,
        created_at=now,
        updated_at=now,
    )
    repository.add(user)
    await repository.flush()
    await record_account_change(
        uow,
        user,
        "created",
        "service-account-created",
        actor_id=scope.principal.user_id,
        scopes=list(user.scopes),
    )
    return user, secret


async def service_accounts(
    uow: UnitOfWork, scope: AccountScope, *, limit: int, offset: int
) -> tuple[list[User], int]:
    _office_only(scope)
    return await AccountRepository(uow.session).page(
        AccountFilter(visible_unit_ids=None, kind="service"), limit=limit, offset=offset
    )


async def rotate_secret(uow: UnitOfWork, scope: AccountScope, account_id: uuid.UUID) -> tuple[User, str]:
    _office_only(scope)
    user = await visible_account(uow, scope, account_id, for_update=True)
    if user.kind != "service":
        raise Conflict(
            errors=[field_error("account_id", "not-service", "Not a service account", "不是服务账号")]
        )
    secret = _secret()
    now = uow.clock.now()
    user.client_secret_hash = hash_password(secret)
    user.token_version += 1
    user.revision += 1
    user.updated_at = now
    await record_account_change(
        uow, user, "updated", "client-secret-rotated", actor_id=scope.principal.user_id
    )
    return user, secret
