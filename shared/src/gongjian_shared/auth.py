"""The auth seam: argon2 password hashes, JWT bearer tokens, and the principal every route checks."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from gongjian_shared.clock import Clock
from gongjian_shared.errors import Forbidden, NotAuthenticated
from gongjian_shared.settings import AuthSettings

TOKEN_URL = "/api/v1/auth/token"
ALGORITHM = "HS256"


class Role(StrEnum):
    ADMIN = "admin"
    OFFICE = "office"  # 联席会议办公室 / 重点项目中心
    CONVENER = "convener"  # 召集人
    REVIEWER = "reviewer"  # county or department reviewer of monthly reports
    REPORTER = "reporter"  # a unit's reporter
    LEADER = "leader"  # 包抓领导
    LIAISON = "liaison"  # 联络员


@dataclass(frozen=True)
class Principal:
    user_id: uuid.UUID
    username: str
    unit_id: uuid.UUID | None
    roles: frozenset[str]

    def has(self, *roles: Role) -> bool:
        return any(role.value in self.roles for role in roles)

    @property
    def is_office(self) -> bool:
        return self.has(Role.OFFICE, Role.ADMIN)


_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class TokenService:
    def __init__(self, settings: AuthSettings, clock: Clock) -> None:
        self._settings = settings
        self._clock = clock

    @property
    def ttl(self) -> timedelta:
        return timedelta(minutes=self._settings.token_ttl_minutes)

    def issue(self, principal: Principal) -> str:
        now = self._clock.now()
        claims: dict[str, Any] = {
            "sub": str(principal.user_id),
            "name": principal.username,
            "unit": str(principal.unit_id) if principal.unit_id else None,
            "roles": sorted(principal.roles),
            "iss": self._settings.issuer,
            "aud": self._settings.audience,
            "iat": int(now.timestamp()),
            "exp": int((now + self.ttl).timestamp()),
        }
        return jwt.encode(claims, self._settings.secret.get_secret_value(), algorithm=ALGORITHM)

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._settings.secret.get_secret_value(),
                algorithms=[ALGORITHM],
                audience=self._settings.audience,
                issuer=self._settings.issuer,
                options={"require": ["exp", "iss", "aud", "sub"], "verify_iat": False, "verify_exp": False},
                leeway=0,
            )
            # expiry against the injected clock, so tests can move time
            if int(claims["exp"]) <= int(self._clock.now().timestamp()):
                raise jwt.ExpiredSignatureError("token expired")
            return Principal(
                user_id=uuid.UUID(claims["sub"]),
                username=str(claims.get("name", "")),
                unit_id=uuid.UUID(claims["unit"]) if claims.get("unit") else None,
                roles=frozenset(str(role) for role in claims.get("roles", [])),
            )
        except (jwt.PyJWTError, ValueError, KeyError) as exc:
            raise NotAuthenticated(f"Invalid bearer token: {exc}") from None


_bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)


async def _current_principal(request: Request, token: Annotated[str | None, Depends(_bearer)]) -> Principal:
    if not token:
        raise NotAuthenticated("A bearer token is required: POST /api/v1/auth/token to get one.")
    tokens: TokenService = request.app.state.tokens
    return tokens.verify(token)


CurrentPrincipal = Annotated[Principal, Depends(_current_principal)]


def require_roles(*roles: Role) -> Any:
    """A dependency that lets only callers holding one of the roles through."""

    async def _check(principal: CurrentPrincipal) -> Principal:
        if not principal.has(*roles):
            raise Forbidden(f"This action needs one of the roles: {', '.join(r.value for r in roles)}.")
        return principal

    return Depends(_check)
