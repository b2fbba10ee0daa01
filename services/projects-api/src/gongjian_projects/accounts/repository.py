from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import Select, any_, func, literal, or_, select, update

from gongjian_projects.accounts.schemas import AccountFilter, AuditFilter
from gongjian_projects.models import AccountAudit, Leader, Unit, UnitContact, User
from gongjian_shared.repository import ModelRepository, Repository


class AccountRepository(ModelRepository[User]):
    model = User

    async def by_username(self, username: str) -> User | None:
        return (
            await self._session.execute(select(User).where(User.username == username))
        ).scalar_one_or_none()

    async def usernames_taken(self, usernames: Collection[str]) -> set[str]:
        query = select(User.username).where(User.username.in_(list(usernames)))
        return set((await self._session.execute(query)).scalars())

    def _where(self, query: Select[User], where: AccountFilter) -> Select[User]:
        if where.visible_unit_ids is not None:
            query = query.where(User.unit_id.in_(where.visible_unit_ids))
        if where.unit_id is not None:
            query = query.where(User.unit_id == where.unit_id)
        if where.role is not None:
            query = query.where(literal(where.role) == any_(User.roles))
        if where.active is not None:
            query = query.where(User.active.is_(where.active))
        if where.kind is not None:
            query = query.where(User.kind == where.kind)
        if where.search:
            pattern = "%" + where.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            query = query.where(or_(User.username.ilike(pattern), User.display_name.ilike(pattern)))
        return query

    async def page(self, where: AccountFilter, *, limit: int, offset: int) -> tuple[list[User], int]:
        query = self._where(select(User), where)
        total = await self._session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self._session.execute(query.order_by(User.username).limit(limit).offset(offset))
        return list(rows.scalars()), int(total or 0)

    async def all(self, where: AccountFilter) -> Sequence[User]:
        query = self._where(select(User), where).order_by(User.username)
        return (await self._session.execute(query)).scalars().all()

    async def units(self) -> Sequence[Unit]:
        return (await self._session.execute(select(Unit))).scalars().all()

    async def unit(self, unit_id: uuid.UUID) -> Unit | None:
        return await self._session.get(Unit, unit_id)

    async def links(
        self, account_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[list[uuid.UUID], uuid.UUID | None]]:
        """Contacts and leader linked to each account, for a page of accounts in two queries."""
        result: dict[uuid.UUID, tuple[list[uuid.UUID], uuid.UUID | None]] = {
            account_id: ([], None) for account_id in account_ids
        }
        if not account_ids:
            return result
        contacts = await self._session.execute(
            select(UnitContact.user_id, UnitContact.id)
            .where(UnitContact.user_id.in_(list(account_ids)))
            .order_by(UnitContact.id)
        )
        for user_id, contact_id in contacts.all():
            if user_id is not None:
                result[user_id][0].append(contact_id)
        leaders = await self._session.execute(
            select(Leader.user_id, Leader.id).where(Leader.user_id.in_(list(account_ids)))
        )
        for user_id, leader_id in leaders.all():
            if user_id is not None:
                result[user_id] = (result[user_id][0], leader_id)
        return result

    async def leader(self, leader_id: uuid.UUID) -> Leader | None:
        return await self._session.get(Leader, leader_id)

    async def link_leader(self, account_id: uuid.UUID, leader_id: uuid.UUID | None) -> None:
        await self._session.execute(update(Leader).where(Leader.user_id == account_id).values(user_id=None))
        if leader_id is not None:
            await self._session.flush()
            await self._session.execute(
                update(Leader).where(Leader.id == leader_id).values(user_id=account_id)
            )

    async def contacts(self, contact_ids: Collection[uuid.UUID]) -> Sequence[UnitContact]:
        query = select(UnitContact).where(UnitContact.id.in_(list(contact_ids)))
        return (await self._session.execute(query)).scalars().all()

    async def link_contacts(self, account_id: uuid.UUID, contact_ids: Collection[uuid.UUID]) -> None:
        await self._session.execute(
            update(UnitContact)
            .where(UnitContact.user_id == account_id, UnitContact.id.not_in(list(contact_ids)))
            .values(user_id=None)
        )
        if contact_ids:
            await self._session.execute(
                update(UnitContact).where(UnitContact.id.in_(list(contact_ids))).values(user_id=account_id)
            )


class AuditLogRepository(Repository):
    def _where(self, where: AuditFilter) -> Select[AccountAudit]:
        query = select(AccountAudit)
        if where.visible_unit_ids is not None:
            query = query.where(AccountAudit.unit_id.in_(where.visible_unit_ids))
        if where.account_id is not None:
            query = query.where(AccountAudit.account_id == where.account_id)
        if where.action is not None:
            query = query.where(AccountAudit.action == where.action)
        if where.since is not None:
            query = query.where(AccountAudit.at >= where.since)
        if where.until is not None:
            query = query.where(AccountAudit.at < where.until)
        return query

    async def page(self, where: AuditFilter, *, limit: int, offset: int) -> tuple[list[AccountAudit], int]:
        query = self._where(where)
        total = await self._session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self._session.execute(
            query.order_by(AccountAudit.at.desc(), AccountAudit.id.desc()).limit(limit).offset(offset)
        )
        return list(rows.scalars()), int(total or 0)
