"""projects-api's typed request context: the shared dependencies plus `CurrentScope`.

`CurrentScope` is the caller's access scope (`gongjian_shared.access.Scope`), built with no database round
trip on the hot path: roles and unit come from the token; the unit tree and the leader assignments (account ->
leader ids) are held by each process (`AccessCaches`, loaded lazily once) and invalidated after the commit of
the transaction that changed them. The other processes of the service (the workers of `gongjian serve --workers
N`, other replicas) drop theirs when the change's event reaches them in their own consumer group
(`forgetting_access`: `unit-updated`, and the account events, which also carry leader links): their copy is
stale for as long as the bus takes to deliver, tens of milliseconds, at most a poll interval
(`PROJECTS_BUS__POLL_INTERVAL_SECONDS`) while the bus is up.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from gongjian_projects.leaders.repository import LeaderRepository
from gongjian_projects.units.repository import UnitRepository
from gongjian_shared.access import Cached, Scope, UnitTree, UnitTreeCache, scope_of
from gongjian_shared.auth import ACCOUNT_EVENTS, CurrentPrincipal, Principal, Role
from gongjian_shared.bus.consumer import Remember
from gongjian_shared.deps import ClockDep, ContextDep, UnitOfWork, UnitOfWorkDep, WritingUnitOfWorkDep
from gongjian_shared.errors import Forbidden
from gongjian_shared.events.envelope import EventPayload
from gongjian_shared.events.projects import UnitUpdated
from gongjian_shared.service import ServiceContext

__all__ = [
    "AccessCaches",
    "AccessCachesDep",
    "ClockDep",
    "CurrentPrincipal",
    "CurrentScope",
    "OfficeOnly",
    "UnitOfWork",
    "UnitOfWorkDep",
    "WritingUnitOfWorkDep",
    "access_caches",
    "forgetting_access",
]

LeaderLinks = Mapping[uuid.UUID, frozenset[uuid.UUID]]

_EXTRAS_KEY = "access"


@dataclass(frozen=True)
class AccessCaches:
    """The service's copies of what access decisions need beyond the token."""

    units: UnitTreeCache
    leaders: Cached[LeaderLinks]

    def invalidate_after_commit(self, uow: UnitOfWork, *, units: bool = False, leaders: bool = False) -> None:
        """Forget the copies now and again once `uow` commits (a request that loads in between read
        the old rows; the second invalidation drops what it kept)."""
        caches: list[Cached[UnitTree] | Cached[LeaderLinks]] = []
        if units:
            caches.append(self.units)
        if leaders:
            caches.append(self.leaders)

        def invalidate() -> None:
            for cache in caches:
                cache.invalidate()

        invalidate()
        uow.after_commit(invalidate)


def access_caches(context: ServiceContext) -> AccessCaches:
    """The caches of a running service, made on first use."""
    caches = context.extras.get(_EXTRAS_KEY)
    if isinstance(caches, AccessCaches):
        return caches
    sessionmaker = context.sessionmaker

    async def load_units() -> UnitTree:
        async with sessionmaker() as session:
            return UnitTree(await UnitRepository(session).tree_nodes())

    async def load_leaders() -> LeaderLinks:
        async with sessionmaker() as session:
            return await LeaderRepository(session).ids_by_account()

    caches = AccessCaches(units=UnitTreeCache(load_units), leaders=Cached(load_leaders))
    context.extras[_EXTRAS_KEY] = caches
    return caches


def forgetting_access(context: ServiceContext) -> Mapping[type[EventPayload], Remember]:
    """For the process's own consumer group (`ServiceSpec.process_memory`): drop this process's copies once
    another process's change of a unit or of a leader link commits and its event arrives."""
    caches = access_caches(context)

    def units(_: EventPayload) -> None:
        caches.units.invalidate()

    def leaders(_: EventPayload) -> None:
        caches.leaders.invalidate()

    return {UnitUpdated: units, **dict.fromkeys(ACCOUNT_EVENTS, leaders)}


async def _caches(context: ContextDep) -> AccessCaches:
    return access_caches(context)


AccessCachesDep = Annotated[AccessCaches, Depends(_caches)]


async def _current_scope(caches: AccessCachesDep, principal: CurrentPrincipal) -> Scope:
    tree = await caches.units.get()
    leader_ids: frozenset[uuid.UUID] = frozenset()
    if principal.has(Role.LEADER):
        leader_ids = (await caches.leaders.get()).get(principal.user_id, frozenset())
    return scope_of(principal, tree, leader_ids)


CurrentScope = Annotated[Scope, Depends(_current_scope)]


async def _office_only(principal: CurrentPrincipal) -> Principal:
    if not principal.is_office:
        raise Forbidden("This action is the office's (联席会议办公室).")
    return principal


# city-wide actions (the plan, the months, thresholds, units, leaders): the office and admins
OfficeOnly = Annotated[Principal, Depends(_office_only)]
