"""Accounts in xlsx: the import of member units' liaisons and reporters (all or nothing, each bad cell named),
the account export and the audit export."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from gongjian_projects.accounts.repository import AccountRepository, AuditLogRepository
from gongjian_projects.accounts.schemas import AccountCreate, AccountFilter, AuditFilter
from gongjian_projects.accounts.service import AccountScope, new_account
from gongjian_projects.identity.passwords import generate_password
from gongjian_projects.identity.states import publish_account
from gongjian_projects.models import AccountAudit, Unit, User
from gongjian_projects.xlsx import CellErrors, open_sheet
from gongjian_shared.auth import Role
from gongjian_shared.clock import SHANGHAI
from gongjian_shared.office_text import put, xlsx_row
from gongjian_shared.uow import UnitOfWork

SHEET = "账号"
HEADERS = ("用户名", "姓名", "单位", "角色", "邮箱", "手机")
EXPORT_HEADERS = (*HEADERS, "状态", "类型", "最近登录", "创建时间")
AUDIT_HEADERS = ("时间", "操作", "用户名", "账号", "单位", "操作人", "地址", "详情")
MAX_ROWS = 2_000
ROLE_NAMES: dict[str, Role] = {
    "系统管理员": Role.ADMIN,
    "联席办": Role.OFFICE,
    "办公室": Role.OFFICE,
    "召集人": Role.CONVENER,
    "审核员": Role.REVIEWER,
    "填报员": Role.REPORTER,
    "包抓领导": Role.LEADER,
    "领导": Role.LEADER,
    "联络员": Role.LIAISON,
    "单位管理员": Role.UNIT_ADMIN,
} | {role.value: role for role in Role if role is not Role.SERVICE}
_SPLIT = re.compile(r"[,，、;；/\s]+")
_FIELD_COLUMNS = {"username": 1, "display_name": 2, "unit_id": 3, "roles": 4, "email": 5, "phone": 6}


def _workbook(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for column, header in enumerate(headers, start=1):
        put(sheet, 1, column, header).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = 18
    for row in rows:
        sheet.append(xlsx_row(row))
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template() -> bytes:
    return _workbook(SHEET, HEADERS, [])


def _key(name: str | None) -> str:
    return "".join((name or "").split())


def _roles(text: str | None) -> tuple[list[Role], list[str]]:
    roles, unknown = [], []
    for name in _SPLIT.split(text or ""):
        if not name:
            continue
        role = ROLE_NAMES.get(name) or ROLE_NAMES.get(name.lower())
        if role is None:
            unknown.append(name)
        elif role not in roles:
            roles.append(role)
    return roles, unknown


def _check_headers(errors: CellErrors, text: list[str | None]) -> None:
    for column, (got, want) in enumerate(zip(text, HEADERS, strict=True), start=1):
        if _key(got).rstrip("*") != want:
            errors.add(1, column, "header", f"The header must read {want}", f"表头应为“{want}”", want)


def _checked_unit(
    errors: CellErrors, scope: AccountScope, units: dict[str, Unit], row: int, unit_name: str | None
) -> Unit | None:
    """The unit named on the row, if it exists and lies within the caller's units."""
    unit = units.get(_key(unit_name))
    if unit is None:
        errors.add(
            row, 3, "unknown-unit", f"No unit named {unit_name}", f"没有名为“{unit_name}”的单位", HEADERS[2]
        )
    elif not scope.may_place_in(unit.id):
        errors.add(
            row,
            3,
            "own-unit",
            "Not your unit or a unit under it",
            "只能导入本单位及下级单位的账号",
            HEADERS[2],
        )
    return unit


def _checked_roles(errors: CellErrors, scope: AccountScope, row: int, role_text: str | None) -> list[Role]:
    """The roles named on the row: known ones, each grantable by the caller."""
    roles, unknown = _roles(role_text)
    if unknown or not roles:
        errors.add(
            row,
            4,
            "role",
            f"Unknown or missing roles: {', '.join(unknown)}",
            "角色为空或无法识别",
            HEADERS[3],
        )
    refused = [role.value for role in roles if role not in scope.grantable]
    if refused:
        errors.add(
            row,
            4,
            "not-grantable",
            f"Not grantable by you: {', '.join(refused)}",
            "无权授予该角色",
            HEADERS[3],
        )
    return roles


def _check_unique(errors: CellErrors, seen: dict[str, int], row: int, username: str | None) -> None:
    """A username on one row of the file only (`seen`: username -> its first row)."""
    if username is None:
        return
    if username in seen:
        errors.add(
            row, 1, "unique", f"Also on row {seen[username]}", f"与第 {seen[username]} 行重复", HEADERS[0]
        )
    seen.setdefault(username, row)


def _row_command(
    errors: CellErrors, row: int, text: list[str | None], unit: Unit | None, roles: list[Role]
) -> AccountCreate | None:
    """The account the row asks for; None when its values are invalid (each added to `errors`)."""
    username, name, _, _, email, phone = text
    try:
        return AccountCreate(
            username=username or "",
            display_name=name or "",
            unit_id=unit.id if unit else None,
            roles=roles or [Role.LIAISON],
            email=email,
            phone=phone,
        )
    except ValidationError as exc:
        for problem in exc.errors():
            field = str(problem["loc"][0]) if problem["loc"] else "username"
            column = _FIELD_COLUMNS.get(field, 1)
            errors.add(
                row, column, str(problem["type"]), str(problem["msg"]), "取值无效", HEADERS[column - 1]
            )
        return None


async def _parse(uow: UnitOfWork, scope: AccountScope, content: bytes) -> list[AccountCreate]:
    """Every row checked, each bad cell named; the accounts to create, or 422 naming every bad cell."""
    sheet = open_sheet(content)
    errors = CellErrors(str(sheet.title))
    repository = AccountRepository(uow.session)
    units = {_key(unit.name): unit for unit in await repository.units()}
    commands: list[AccountCreate] = []
    seen: dict[str, int] = {}
    for row, cells in enumerate(sheet.iter_rows(min_row=1, max_col=len(HEADERS), values_only=True), start=1):
        cells = tuple(cells) + (None,) * (len(HEADERS) - len(cells))
        text = [errors.text(value) for value in cells]
        if row == 1:
            _check_headers(errors, text)
            continue
        if all(value is None for value in text):
            continue
        if len(commands) >= MAX_ROWS:
            errors.add(row, 1, "too-many-rows", f"At most {MAX_ROWS} rows", f"最多 {MAX_ROWS} 行")
            break
        before = len(errors.errors)
        unit = _checked_unit(errors, scope, units, row, text[2])
        roles = _checked_roles(errors, scope, row, text[3])
        _check_unique(errors, seen, row, text[0])
        command = _row_command(errors, row, text, unit, roles)
        if command is not None and len(errors.errors) == before:
            commands.append(command)
    for username in await repository.usernames_taken(seen):
        errors.add(seen[username], 1, "unique", "This username is taken", "用户名已被使用", HEADERS[0])
    if not commands and not errors.errors:
        errors.add(2, 1, "empty", "The file has no account rows", "文件中没有账号")
    errors.raise_if_any()
    return commands


async def import_accounts(uow: UnitOfWork, scope: AccountScope, content: bytes) -> list[tuple[User, str]]:
    """Every row's account, with its one-time password; nothing is created when any cell is bad."""
    created = []
    for command in await _parse(uow, scope, content):
        created.append(await new_account(uow, scope, command, password=generate_password(command.username)))
    for user, _ in created:
        await publish_account(uow, user, "created")
    return created


def _local(value: Any) -> str:
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def export(users: Sequence[User], units: dict[uuid.UUID, str]) -> bytes:
    rows = [
        (
            user.username,
            user.display_name,
            units.get(user.unit_id, "") if user.unit_id else "",
            ", ".join(user.roles),
            user.email or "",
            user.phone or "",
            "启用" if user.active else "停用",
            "服务账号" if user.kind == "service" else "人员",
            _local(user.last_sign_in_at),
            _local(user.created_at),
        )
        for user in users
    ]
    return _workbook(SHEET, EXPORT_HEADERS, rows)


def audit_export(entries: Sequence[AccountAudit], units: dict[uuid.UUID, str]) -> bytes:
    rows = [
        (
            _local(entry.at),
            entry.action,
            entry.username,
            str(entry.account_id or ""),
            units.get(entry.unit_id, "") if entry.unit_id else "",
            str(entry.actor_id or ""),
            entry.address or "",
            json.dumps(entry.detail, ensure_ascii=False) if entry.detail else "",
        )
        for entry in entries
    ]
    return _workbook("账号审计", AUDIT_HEADERS, rows)


async def accounts_workbook(uow: UnitOfWork, where: AccountFilter) -> bytes:
    """The accounts as xlsx, in the import's columns and more."""
    repository = AccountRepository(uow.session)
    return export(await repository.all(where), await _unit_names(repository))


async def audit_workbook(uow: UnitOfWork, where: AuditFilter, *, limit: int) -> bytes:
    entries, _ = await AuditLogRepository(uow.session).page(where, limit=limit, offset=0)
    return audit_export(entries, await _unit_names(AccountRepository(uow.session)))


async def _unit_names(repository: AccountRepository) -> dict[uuid.UUID, str]:
    return {unit.id: unit.name for unit in await repository.units()}
