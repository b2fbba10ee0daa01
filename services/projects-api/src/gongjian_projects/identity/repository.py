from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert

from gongjian_projects.models import AccountAudit, Leader, RefreshToken, SignInThrottle, UnitContact, User
from gongjian_shared.repository import Repository


class UserRepository(Repository):
    async def by_username(self, username: str, *, for_update: bool = False) -> User | None:
        query = select(User).where(User.username == username)
        if for_update:
            query = query.with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def get(self, user_id: uuid.UUID, *, for_update: bool = False) -> User | None:
        if for_update:
            query = select(User).where(User.id == user_id).with_for_update()
            return (await self._session.execute(query)).scalar_one_or_none()
        return await self._session.get(User, user_id)

    async def states(self) -> Sequence[tuple[uuid.UUID, int, bool]]:
        """(account, token version, active) of every account: what the token check needs at start."""
        query = select(User.id, User.token_version, User.active)
        return [(row[0], row[1], row[2]) for row in (await self._session.execute(query)).all()]

    async def links(self, user_id: uuid.UUID) -> tuple[tuple[uuid.UUID, ...], uuid.UUID | None]:
        """The unit contacts and the leader (包抓领导) the account is linked to."""
        contacts = await self._session.execute(
            select(UnitContact.id).where(UnitContact.user_id == user_id).order_by(UnitContact.id)
        )
        leader = await self._session.scalar(select(Leader.id).where(Leader.user_id == user_id))
        return tuple(contacts.scalars()), leader


class RefreshTokenRepository(Repository):
    async def get_for_update(self, token_id: uuid.UUID) -> RefreshToken | None:
        query = select(RefreshToken).where(RefreshToken.id == token_id).with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def revoke_family(self, family_id: uuid.UUID, at: datetime) -> None:
        await self._session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    async def purge_expired(self, before: datetime) -> int:
        result = await self._session.execute(delete(RefreshToken).where(RefreshToken.expires_at < before))
        return int(getattr(result, "rowcount", 0) or 0)

    async def revoke_all_of(self, user_id: uuid.UUID, at: datetime) -> None:
        await self._session.execute(
            update(RefreshToken)
            .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=at)
        )


class ThrottleRepository(Repository):
    """Failure counters in a sliding-start window; one atomic upsert per failure, safe under concurrency."""

    async def locked_until(self, keys: Sequence[str], now: datetime) -> datetime | None:
        query = select(func.max(SignInThrottle.locked_until)).where(
            SignInThrottle.key.in_(keys), SignInThrottle.locked_until > now
        )
        result: datetime | None = await self._session.scalar(query)
        return result

    async def fail(
        self, key: str, now: datetime, *, window: timedelta, limit: int, lock: timedelta
    ) -> tuple[int, datetime | None]:
        """Count one failure; lock the key when the window holds `limit` of them. (failures, locked_until)."""
        fresh = SignInThrottle.window_started_at <= now - window
        failures = case((fresh, 1), else_=SignInThrottle.failures + 1)
        statement = (
            insert(SignInThrottle)
            .values(key=key, failures=1, window_started_at=now, locked_until=None)
            .on_conflict_do_update(
                index_elements=[SignInThrottle.key],
                set_={
                    "failures": failures,
                    "window_started_at": case((fresh, now), else_=SignInThrottle.window_started_at),
                    "locked_until": case((failures >= limit, now + lock), else_=SignInThrottle.locked_until),
                },
            )
            .returning(SignInThrottle.failures, SignInThrottle.locked_until)
        )
        row = (await self._session.execute(statement)).one()
        return int(row[0]), row[1]

    async def purge_before(self, before: datetime, now: datetime) -> int:
        """Forget windows that ended long ago and are not locked."""
        result = await self._session.execute(
            delete(SignInThrottle).where(
                SignInThrottle.window_started_at < before,
                (SignInThrottle.locked_until.is_(None)) | (SignInThrottle.locked_until <= now),
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def clear(self, key: str) -> None:
        await self._session.execute(delete(SignInThrottle).where(SignInThrottle.key == key))


class AuditRepository(Repository):
    def record(
        self,
        at: datetime,
        action: str,
        *,
        username: str,
        account_id: uuid.UUID | None = None,
        unit_id: uuid.UUID | None = None,
        actor_id: uuid.UUID | None = None,
        address: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        self._session.add(
            AccountAudit(
                at=at,
                action=action,
                username=username,
                account_id=account_id,
                unit_id=unit_id,
                actor_id=actor_id,
                address=address,
                detail=detail or {},
            )
        )
