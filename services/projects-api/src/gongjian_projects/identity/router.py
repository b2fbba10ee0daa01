from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import Form, Request, Response, status

from gongjian_projects.identity import service, sessions
from gongjian_projects.identity.errors import SignInLocked
from gongjian_projects.identity.schemas import Me, PasswordChange, RefreshRequest, TokenResponse
from gongjian_projects.identity.states import AccountChangesDep
from gongjian_projects.models import User
from gongjian_shared.auth import PasswordChangePrincipal
from gongjian_shared.deps import ContextDep, UnitOfWorkDep
from gongjian_shared.errors import (
    InvalidInput,
    ServiceUnavailable,
    field_error,
    problem_response,
    problem_responses,
)
from gongjian_shared.routing import ServiceRouter
from gongjian_shared.service import ServiceContext

router = ServiceRouter(prefix="/api/v1/auth", tags=["auth"])

FormText = Annotated[str | None, Form(max_length=256)]


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _tokens(
    context: ServiceContext, user: User, refresh_token: str | None, scope: str | None = None
) -> TokenResponse:
    issuer = context.issuer
    if issuer is None:  # projects-api signs: build_service_app gives it an issuer
        raise ServiceUnavailable("This service does not sign tokens.")
    principal = service.principal_of(user)
    if scope:  # OAuth2: a client may ask for fewer scopes than it holds, never more
        requested = frozenset(scope.split())
        if not requested <= principal.scopes:
            raise InvalidInput(
                errors=[
                    field_error(
                        "scope",
                        "not-held",
                        f"Not held: {', '.join(sorted(requested - principal.scopes))}",
                        "请求了未授予的授权范围",
                    )
                ]
            )
        principal = replace(principal, scopes=requested)
    return TokenResponse(
        access_token=issuer.issue(principal),
        expires_in=int(issuer.ttl.total_seconds()),
        refresh_token=refresh_token,
    )


def _refresh_ttl(context: ServiceContext) -> timedelta:
    return timedelta(days=context.settings.auth.refresh_token_ttl_days)


def _locked(exc: SignInLocked, request: Request) -> Response:
    return problem_response(
        exc.problem(instance=request.url.path), {"Retry-After": str(exc.retry_after_seconds)}
    )


def _required(name: str) -> InvalidInput:
    return InvalidInput(errors=[field_error(name, "missing", "Field required", "缺少必填字段")])


@router.post("/token", response_model=TokenResponse, responses=problem_responses(401, 422, 429))
async def issue_token(
    request: Request,
    context: ContextDep,
    uow: UnitOfWorkDep,
    grant_type: Annotated[Literal["password", "client_credentials"], Form()] = "password",
    username: FormText = None,
    password: FormText = None,
    client_id: FormText = None,
    client_secret: FormText = None,
    scope: FormText = None,
) -> Response | TokenResponse:
    """Sign in (登录): the OAuth2 password form, or `grant_type=client_credentials` with `client_id` and
    `client_secret` for a service account. Returns a short-lived access token and, for people, a refresh
    token. 5 wrong passwords in 15 minutes lock the username for 15 minutes (429 with Retry-After)."""
    try:
        if grant_type == "client_credentials":
            if not client_id:
                raise _required("client_id")
            if not client_secret:
                raise _required("client_secret")
            user = await service.client_sign_in(
                uow, context.sessionmaker, client_id, client_secret, _address(request)
            )
            return _tokens(context, user, None, scope)
        if not username:
            raise _required("username")
        if not password:
            raise _required("password")
        user = await service.sign_in(uow, context.sessionmaker, username, password, _address(request))
    except SignInLocked as exc:
        return _locked(exc, request)
    return _tokens(context, user, sessions.issue_refresh_token(uow, user, ttl=_refresh_ttl(context)))


@router.post("/refresh", response_model=TokenResponse, responses=problem_responses(401, 422))
async def refresh(
    request: Request, body: RefreshRequest, context: ContextDep, uow: UnitOfWorkDep
) -> TokenResponse:
    """Trade a refresh token for a new access token and the next refresh token (刷新令牌); a used one
    presented again ends every session of its family."""
    user, refresh_token = await sessions.rotate(
        uow, context.sessionmaker, body.refresh_token, _address(request), _refresh_ttl(context)
    )
    return _tokens(context, user, refresh_token)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401, 422))
async def log_out(body: RefreshRequest, principal: PasswordChangePrincipal, uow: UnitOfWorkDep) -> None:
    """End the session of this refresh token and of every token rotated from it (退出登录)."""
    await sessions.log_out(uow, principal, body.refresh_token)


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401, 403, 422))
async def change_password(
    body: PasswordChange, principal: PasswordChangePrincipal, changes: AccountChangesDep, uow: UnitOfWorkDep
) -> None:
    """Change your own password (修改密码): at least 10 characters, not a common password, not your username.
    Every token issued before stops holding: sign in again with the new password."""
    user = await service.change_password(uow, principal, body.current_password, body.new_password)
    changes.note(user)


@router.get("/me", response_model=Me, responses=problem_responses(401))
async def who_am_i(principal: PasswordChangePrincipal) -> Me:
    """The caller's account, unit and roles (当前用户); answers also while a password change is required."""
    return Me(
        user_id=principal.user_id,
        username=principal.username,
        unit_id=principal.unit_id,
        roles=sorted(principal.roles),
        kind=principal.kind,
        scopes=sorted(principal.scopes),
        password_change_required=principal.password_change_required,
    )
