from __future__ import annotations

from gongjian_shared.errors import Forbidden, NotAuthenticated, ProblemError, RuleViolation


class WrongCredentials(NotAuthenticated):
    slug = "wrong-credentials"
    title = "Wrong username or password"
    title_zh = "用户名或密码错误"


class WrongClientCredentials(NotAuthenticated):
    slug = "invalid-client"
    title = "Wrong client id or secret"
    title_zh = "客户端标识或密钥错误"


class RefreshTokenRefused(NotAuthenticated):
    slug = "refresh-token-invalid"
    title = "The refresh token is not valid"
    title_zh = "刷新令牌无效，请重新登录"


class SignInLocked(ProblemError):
    """Too many failed sign-ins: answered alike whether or not the account exists."""

    status = 429
    slug = "sign-in-locked"
    title = "Too many failed sign-ins; try again later"
    title_zh = "登录失败次数过多，请稍后再试"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"Try again in {retry_after_seconds} seconds.")
        self.retry_after_seconds = max(1, retry_after_seconds)


class WeakPassword(RuleViolation):
    slug = "weak-password"
    title = "The password does not meet the policy"
    title_zh = "密码不符合安全要求"


class WrongCurrentPassword(Forbidden):
    """403: the proof of who is asking failed; not a 401, which would tell clients their token is bad."""

    slug = "wrong-current-password"
    title = "The current password is wrong"
    title_zh = "当前密码错误"
