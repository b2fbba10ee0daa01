from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from gongjian_projects.identity import service
from gongjian_projects.identity.repository import UserRepository
from gongjian_projects.identity.schemas import Me, TokenResponse
from gongjian_shared.auth import CurrentPrincipal, TokenService
from gongjian_shared.db import SessionDep
from gongjian_shared.errors import problem_responses

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post("/token", response_model=TokenResponse, responses=problem_responses(401, 422))
async def issue_token(
    request: Request, session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> TokenResponse:
    """Sign in with a username and password (OAuth2 password form) and get a bearer token (登录获取令牌)."""
    principal = await service.authenticate(UserRepository(session), form.username, form.password)
    tokens: TokenService = request.app.state.tokens
    return TokenResponse(access_token=tokens.issue(principal), expires_in=int(tokens.ttl.total_seconds()))


@router.get("/me", response_model=Me, responses=problem_responses(401))
async def who_am_i(principal: CurrentPrincipal) -> Me:
    """The caller's account, unit and roles (当前用户)."""
    return Me(
        user_id=principal.user_id,
        username=principal.username,
        unit_id=principal.unit_id,
        roles=sorted(principal.roles),
    )
