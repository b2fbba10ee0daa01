from __future__ import annotations

from gongjian_shared.errors import Conflict, Forbidden, NotFound


class AccountNotFound(NotFound):
    slug = "account-not-found"
    title = "Account not found"
    title_zh = "账号不存在"


class UsernameTaken(Conflict):
    slug = "username-taken"
    title = "An account with this username exists"
    title_zh = "用户名已被使用"


class NotAccountAdministrator(Forbidden):
    slug = "not-account-administrator"
    title = "Only the office or a unit's account administrator manages accounts"
    title_zh = "只有联席办或单位账号管理员可以管理账号"


class RoleNotGrantable(Forbidden):
    slug = "role-not-grantable"
    title = "You may not grant this role"
    title_zh = "无权授予该角色"
