"""A service's own copy of the registry's units and their people, kept from `unit-updated` events.

Services never read another service's tables; those that need units (meetings-api for member units,
notifier for its directory) keep this replica in their own schema.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from sqlalchemy import Boolean, Column, DateTime, MetaData, Table, Text, Uuid, func, select
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gongjian_shared.access import Scope, UnitNode, UnitTree, UnitTreeCache, scope_of
from gongjian_shared.auth import Principal
from gongjian_shared.bus.consumer import Event, Remember
from gongjian_shared.deps import ContextDep, CurrentPrincipal
from gongjian_shared.events.envelope import EventPayload
from gongjian_shared.events.projects import UnitUpdated
from gongjian_shared.service import ServiceContext


def unit_replica_table(metadata: MetaData) -> Table:
    return Table(
        "unit_replica",
        metadata,
        Column("unit_id", Uuid, primary_key=True),
        Column("name", Text, nullable=False),
        Column("kind", Text, nullable=False),
        Column("admin_code", Text),
        Column("parent_unit_id", Uuid),
        Column("joint_meeting_member", Boolean, nullable=False),
        Column("contacts", JSONB, nullable=False),
        Column("source_event_id", Uuid, nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


async def replicate_unit(session: AsyncSession, table: Table, event: Event[UnitUpdated]) -> None:
    """Upsert the unit into the service's replica `table` (a redelivery writes the same row again)."""
    unit = event.payload
    values = {
        "name": unit.name,
        "kind": unit.kind,
        "admin_code": unit.admin_code,
        "parent_unit_id": unit.parent_unit_id,
        "joint_meeting_member": unit.joint_meeting_member,
        "contacts": [contact.model_dump(mode="json") for contact in unit.contacts],
        "source_event_id": event.event_id,
    }
    statement = insert(table).values(unit_id=unit.unit_id, **values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.unit_id], set_=values | {"updated_at": func.now()}
        )
    )


async def list_replica(session: AsyncSession, table: Table) -> list[dict[str, object]]:
    rows = await session.execute(select(table).order_by(table.c.kind, table.c.name))
    return [dict(row._mapping) for row in rows]


# --- the unit tree of a replica, for the access policy -------------------------------------------------------

REPLICA_TREE_MAX_AGE_SECONDS = 60.0
_TREE_KEY = "replica.unit_tree"


class ReplicaUnitTreeCache(UnitTreeCache):
    """The unit tree read from a service's `unit_replica`, kept in memory.

    Dropped after each `unit-updated` this process applies (`invalidating`); other replicas of the service,
    which do not see that event (one consumer group), reload it after `max_age_seconds` at most.
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        table: Table,
        max_age_seconds: float = REPLICA_TREE_MAX_AGE_SECONDS,
    ) -> None:
        super().__init__(self._read)
        self._sessionmaker = sessionmaker
        self._table = table
        self._max_age_seconds = max_age_seconds
        self._loaded_at = 0.0

    async def _read(self) -> UnitTree:
        columns = (
            self._table.c.unit_id,
            self._table.c.parent_unit_id,
            self._table.c.kind,
            self._table.c.name,
        )
        async with self._sessionmaker() as session:
            rows = await session.execute(select(*columns))
        self._loaded_at = time.monotonic()
        return UnitTree(UnitNode(**row._mapping) for row in rows)

    async def get(self) -> UnitTree:
        if self.loaded and time.monotonic() - self._loaded_at > self._max_age_seconds:
            self.invalidate()
        return await super().get()


def replica_unit_tree(context: ServiceContext, table: Table) -> UnitTreeCache:
    """The running service's cached tree of `table` (made on first use, one per service)."""
    cache = context.extras.get(_TREE_KEY)
    if not isinstance(cache, UnitTreeCache):
        cache = context.extras[_TREE_KEY] = ReplicaUnitTreeCache(context.sessionmaker, table)
    return cache


def forgetting_unit_tree(context: ServiceContext, table: Table) -> dict[type[EventPayload], Remember]:
    """For a subscription's `after_commit`: the cached tree is dropped once a `unit-updated` commits (never
    before: a load in between would read the old rows and keep them)."""
    tree = replica_unit_tree(context, table)

    def forget(_: UnitUpdated) -> None:
        tree.invalidate()

    return {UnitUpdated: forget}


def replica_scope(table: Table) -> Callable[[Principal, ServiceContext], Awaitable[Scope]]:
    """The dependency behind `CurrentScope` for a service whose units come from `table`: the caller and what
    the policy lets them reach, from the token and the cached tree (no database round trip). Use it as
    `Annotated[Scope, Depends(replica_scope(UNIT_REPLICA))]`."""

    async def scope(principal: CurrentPrincipal, context: ContextDep) -> Scope:
        return scope_of(principal, await replica_unit_tree(context, table).get())

    return scope
