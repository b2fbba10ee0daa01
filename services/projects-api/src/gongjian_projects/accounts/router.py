from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Query, Response, UploadFile, status

from gongjian_projects.accounts import excel, service, service_accounts
from gongjian_projects.accounts.schemas import (
    AccountCreate,
    AccountFilter,
    AccountImportResult,
    AccountOut,
    AccountPage,
    AccountUpdate,
    AccountWithPassword,
    AuditFilter,
    AuditPage,
    ImportedAccount,
    PasswordResetOut,
    ServiceAccountCreate,
    ServiceAccountSecret,
)
from gongjian_projects.deps import AccessCachesDep, CurrentScope
from gongjian_projects.http import etag
from gongjian_projects.identity.states import AccountChangesDep
from gongjian_projects.xlsx import XLSX_MEDIA_TYPE
from gongjian_shared import types
from gongjian_shared.auth import Role
from gongjian_shared.clock import SHANGHAI
from gongjian_shared.concurrency import IF_MATCH_REQUIRED, IfMatchDep
from gongjian_shared.deps import UnitOfWorkDep
from gongjian_shared.errors import problem_responses
from gongjian_shared.routing import ServiceRouter
from gongjian_shared.types import Day, QueryFlag


async def _account_scope(scope: CurrentScope) -> service.AccountScope:
    return service.account_scope(scope.principal, scope.tree)


# whose accounts the caller administers (403 for callers who administer none)
AccountScopeDep = Annotated[service.AccountScope, Depends(_account_scope)]

accounts = ServiceRouter(prefix="/api/v1/accounts", tags=["accounts"])
service_accounts_router = ServiceRouter(prefix="/api/v1/service-accounts", tags=["service-accounts"])

Limit = Annotated[types.Limit, Query()]
Offset = Annotated[types.Offset, Query()]
AUDIT_EXPORT_LIMIT = 50_000
XLSX_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "An xlsx workbook."},
    **problem_responses(401, 403, 422),
}


def _xlsx(content: bytes, filename: str) -> Response:
    return Response(
        content=content,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


def _day_start(day: Day | None) -> datetime | None:
    # the first day of the calendar is before any audit entry; its Shanghai midnight is not a UTC instant
    return datetime.combine(max(day, date(1, 1, 2)), time(), tzinfo=SHANGHAI) if day else None


@accounts.post(
    "",
    response_model=AccountWithPassword,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def create_account(
    body: AccountCreate,
    response: Response,
    scope: AccountScopeDep,
    changes: AccountChangesDep,
    uow: UnitOfWorkDep,
) -> AccountWithPassword:
    """Create a person's account (新建账号): the office for any unit, a unit-admin for its unit and the units
    under it, granting only roles of `GRANTABLE`. The initial password (generated when not given) is shown
    this once and must be changed at first sign-in; emits `account-created`."""
    user, password = await service.create_account(uow, scope, body)
    changes.note(user)
    response.headers["ETag"] = etag(user.revision)
    response.headers["Location"] = f"{accounts.prefix}/{user.id}"
    out = await service.account_out(uow, user)
    return AccountWithPassword(**out.model_dump(), initial_password=password)


@accounts.get("", response_model=AccountPage, responses=problem_responses(401, 403, 422))
async def list_accounts(
    scope: AccountScopeDep,
    uow: UnitOfWorkDep,
    unit_id: uuid.UUID | None = None,
    role: Role | None = None,
    active: QueryFlag | None = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=100, description="Search username and name.")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> AccountPage:
    """Accounts the caller administers (账号列表), filtered, searched and paged, with the total."""
    where = AccountFilter(
        visible_unit_ids=scope.unit_ids,
        unit_id=unit_id,
        role=role.value if role else None,
        active=active,
        search=q,
    )
    return await service.account_page(uow, where, limit=limit, offset=offset)


@accounts.post(
    "/import",
    response_model=AccountImportResult,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 422),
)
async def import_accounts(
    file: UploadFile, scope: AccountScopeDep, changes: AccountChangesDep, uow: UnitOfWorkDep
) -> AccountImportResult:
    """Import accounts from xlsx (批量导入账号), columns 用户名/姓名/单位/角色/邮箱/手机: all or nothing; a bad
    file is refused naming each bad row and column (sheet!cell). Each initial password is shown this once."""
    created = await excel.import_accounts(uow, scope, await file.read())
    for user, _ in created:
        changes.note(user)
    return AccountImportResult(
        imported=len(created),
        accounts=[
            ImportedAccount(id=user.id, username=user.username, initial_password=pw) for user, pw in created
        ],
    )


@accounts.get("/import-template", responses=XLSX_RESPONSES, response_class=Response)
async def import_template(_: AccountScopeDep, uow: UnitOfWorkDep) -> Response:
    """The xlsx template of the account import (账号导入模板)."""
    return _xlsx(excel.template(), "账号导入模板.xlsx")


@accounts.get("/export.xlsx", responses=XLSX_RESPONSES, response_class=Response)
async def export_accounts(
    scope: AccountScopeDep,
    uow: UnitOfWorkDep,
    unit_id: uuid.UUID | None = None,
    role: Role | None = None,
    active: QueryFlag | None = None,
) -> Response:
    """The accounts the caller administers as xlsx (账号导出), in the import's columns and more."""
    where = AccountFilter(
        visible_unit_ids=scope.unit_ids, unit_id=unit_id, role=role.value if role else None, active=active
    )
    return _xlsx(await excel.accounts_workbook(uow, where), "账号.xlsx")


def _audit_filter(
    scope: service.AccountScope,
    account_id: uuid.UUID | None,
    action: str | None,
    since: Day | None,
    until: Day | None,
) -> AuditFilter:
    return AuditFilter(
        visible_unit_ids=scope.unit_ids,
        account_id=account_id,
        action=action,
        since=_day_start(since),
        until=_day_start(until + timedelta(days=1)) if until and until < date.max else None,
    )


AuditAction = Annotated[
    str | None, Query(max_length=60, description="e.g. sign-in, sign-in-failed, password-reset")
]
Since = Annotated[Day | None, Query(description="From this day (Asia/Shanghai), inclusive.")]
Until = Annotated[Day | None, Query(description="Up to this day (Asia/Shanghai), inclusive.")]


@accounts.get("/audit", response_model=AuditPage, responses=problem_responses(401, 403, 422))
async def audit_log(
    scope: AccountScopeDep,
    uow: UnitOfWorkDep,
    account_id: uuid.UUID | None = None,
    action: AuditAction = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> AuditPage:
    """The account audit log (账号审计): sign-ins, failures, locks, resets, role changes, creations; newest
    first. A unit-admin sees the entries of its units' accounts."""
    where = _audit_filter(scope, account_id, action, since, until)
    return await service.audit_page(uow, where, limit=limit, offset=offset)


@accounts.get("/audit.xlsx", responses=XLSX_RESPONSES, response_class=Response)
async def audit_export(
    scope: AccountScopeDep,
    uow: UnitOfWorkDep,
    account_id: uuid.UUID | None = None,
    action: AuditAction = None,
    since: Since = None,
    until: Until = None,
) -> Response:
    """The account audit log as xlsx (账号审计导出), same filters, at most 50,000 entries."""
    where = _audit_filter(scope, account_id, action, since, until)
    return _xlsx(await excel.audit_workbook(uow, where, limit=AUDIT_EXPORT_LIMIT), "账号审计.xlsx")


@accounts.get("/{account_id}", response_model=AccountOut, responses=problem_responses(401, 403, 404, 422))
async def get_account(
    account_id: uuid.UUID, response: Response, scope: AccountScopeDep, uow: UnitOfWorkDep
) -> AccountOut:
    """One account (账号详情), with its ETag for a later `If-Match`."""
    user = await service.visible_account(uow, scope, account_id)
    response.headers["ETag"] = etag(user.revision)
    return await service.account_out(uow, user)


@accounts.patch(
    "/{account_id}",
    response_model=AccountOut,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
    openapi_extra=IF_MATCH_REQUIRED,
)
async def update_account(
    account_id: uuid.UUID,
    body: AccountUpdate,
    response: Response,
    scope: AccountScopeDep,
    changes: AccountChangesDep,
    caches: AccessCachesDep,
    uow: UnitOfWorkDep,
    if_match: IfMatchDep,
) -> AccountOut:
    """Change an account (账号修改): name, contact, roles, unit, active, and its links to a leader or unit
    contacts. Needs `If-Match` (412 on a stale copy). A change of roles, unit or active takes effect on the
    account's very next request; emits `account-updated` (or `account-disabled`)."""
    user = await service.update_account(uow, scope, account_id, if_match, body)
    if "leader_id" in body.model_fields_set:  # a leader reads its projects through this link
        caches.invalidate_after_commit(uow, leaders=True)
    changes.note(user)
    response.headers["ETag"] = etag(user.revision)
    return await service.account_out(uow, user)


@accounts.post(
    "/{account_id}/password-reset",
    response_model=PasswordResetOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def reset_password(
    account_id: uuid.UUID, scope: AccountScopeDep, changes: AccountChangesDep, uow: UnitOfWorkDep
) -> PasswordResetOut:
    """A new one-time password (重置密码), shown this once; the account must change it at the next sign-in,
    and every session it had ends."""
    user, password = await service.reset_password(uow, scope, account_id)
    changes.note(user)
    return PasswordResetOut(account_id=user.id, username=user.username, initial_password=password)


@service_accounts_router.post(
    "",
    response_model=ServiceAccountSecret,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 422),
)
async def create_service_account(
    body: ServiceAccountCreate, scope: AccountScopeDep, changes: AccountChangesDep, uow: UnitOfWorkDep
) -> ServiceAccountSecret:
    """Create a service account (新建服务账号, office) with scopes; sign in with
    `grant_type=client_credentials`. The client secret is shown this once."""
    user, secret = await service_accounts.create_service_account(uow, scope, body)
    changes.note(user)
    out = await service.account_out(uow, user)
    return ServiceAccountSecret(account=out, client_id=user.username, client_secret=secret)


@service_accounts_router.get("", response_model=AccountPage, responses=problem_responses(401, 403, 422))
async def list_service_accounts(
    scope: AccountScopeDep, uow: UnitOfWorkDep, limit: Limit = 50, offset: Offset = 0
) -> AccountPage:
    """Service accounts (服务账号列表, office)."""
    users, total = await service_accounts.service_accounts(uow, scope, limit=limit, offset=offset)
    return AccountPage(
        items=[service.to_out(user) for user in users], total=total, limit=limit, offset=offset
    )


@service_accounts_router.post(
    "/{account_id}/secret",
    response_model=ServiceAccountSecret,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def rotate_secret(
    account_id: uuid.UUID, scope: AccountScopeDep, changes: AccountChangesDep, uow: UnitOfWorkDep
) -> ServiceAccountSecret:
    """A new client secret (轮换密钥), shown this once; the old one is refused at once and the tokens issued
    with it stop holding."""
    user, secret = await service_accounts.rotate_secret(uow, scope, account_id)
    changes.note(user)
    out = await service.account_out(uow, user)
    return ServiceAccountSecret(account=out, client_id=user.username, client_secret=secret)


router = ServiceRouter()
router.include_router(accounts)
router.include_router(service_accounts_router)
