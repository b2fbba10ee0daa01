"""Refresh tokens (会话): opaque `id.secret`, only a hash of the secret kept, rotated on every use.

Each sign-in starts a family; a refresh marks its token used and issues the next one in the family. A used
token presented again means it was copied: the whole family is revoked (the thief's and the owner's
sessions both end), committed in its own transaction although the answer is 401.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gongjian_projects.identity.errors import RefreshTokenRefused
from gongjian_projects.identity.repository import AuditRepository, RefreshTokenRepository, UserRepository
from gongjian_projects.models import RefreshToken, User
from gongjian_shared.auth import Principal
from gongjian_shared.db import unit_of_work
from gongjian_shared.uow import UnitOfWork

DEFAULT_REFRESH_TTL = timedelta(days=14)  # AUTH__REFRESH_TOKEN_TTL_DAYS


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _parse(raw: str) -> tuple[uuid.UUID, str] | None:
    token_id, _, secret = raw.strip().partition(".")
    try:
        return uuid.UUID(token_id), secret
    except ValueError:
        return None


def issue_refresh_token(
    uow: UnitOfWork, user: User, family_id: uuid.UUID | None = None, ttl: timedelta = DEFAULT_REFRESH_TTL
) -> str:
    """A new refresh token for the account, in a new family unless one is given."""
    now = uow.clock.now()
    secret = secrets.token_urlsafe(32)
    token = RefreshToken(
        id=uuid.uuid4(),
        family_id=family_id or uuid.uuid4(),
        user_id=user.id,
        secret_hash=_digest(secret),
        created_at=now,
        expires_at=now + ttl,
    )
    RefreshTokenRepository(uow.session).add(token)
    return f"{token.id}.{secret}"


async def _matching(uow: UnitOfWork, raw: str) -> RefreshToken | None:
    parsed = _parse(raw)
    if parsed is None:
        return None
    token_id, secret = parsed
    token = await RefreshTokenRepository(uow.session).get_for_update(token_id)
    if token is None or not hmac.compare_digest(token.secret_hash, _digest(secret)):
        return None
    return token


async def rotate(
    uow: UnitOfWork,
    sessionmaker: async_sessionmaker[AsyncSession],
    raw: str,
    address: str | None,
    ttl: timedelta = DEFAULT_REFRESH_TTL,
) -> tuple[User, str]:
    """The account and its next refresh token; 401 for an unknown, expired, revoked or reused token."""
    token = await _matching(uow, raw)
    if token is None:
        raise RefreshTokenRefused("Sign in again.")
    now = uow.clock.now()
    if token.used_at is not None and token.revoked_at is None:
        family_id, user_id = token.family_id, token.user_id
        # release our row lock before the revoking transaction updates the same rows
        await uow.session.rollback()
        async with unit_of_work(sessionmaker) as session:
            await RefreshTokenRepository(session).revoke_family(family_id, now)
            user = await UserRepository(session).get(user_id)
            AuditRepository(session).record(
                now,
                "refresh-token-reused",
                username=user.username if user else "",
                account_id=user_id,
                unit_id=user.unit_id if user else None,
                address=address,
                detail={"family_id": str(family_id)},
            )
        raise RefreshTokenRefused("This refresh token was already used; every session of its family ended.")
    if token.revoked_at is not None or token.expires_at <= now:
        raise RefreshTokenRefused("Sign in again.")
    user = await UserRepository(uow.session).get(token.user_id)
    if user is None or not user.active:
        raise RefreshTokenRefused("The account is disabled.")
    token.used_at = now
    return user, issue_refresh_token(uow, user, token.family_id, ttl)


async def log_out(uow: UnitOfWork, principal: Principal, raw: str) -> None:
    """End the session family of the caller's refresh token; a token of someone else's is ignored."""
    token = await _matching(uow, raw)
    if token is not None and token.user_id == principal.user_id:
        await RefreshTokenRepository(uow.session).revoke_family(token.family_id, uow.clock.now())
