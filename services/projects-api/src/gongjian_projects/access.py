"""Who may see and write what (item 13): one scope per caller, applied by every route.

- the office and admins: everything;
- a convener: reads everything;
- a unit's reporter: reads and writes its own unit's projects (a liaison only reads them);
- a county or department reviewer: reads and reviews its own unit's projects and those of the units
  under it (zones whose parent is the county);
- a leader: reads the projects assigned to them (领导包抓).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_projects.leaders.repository import LeaderRepository
from gongjian_projects.units.repository import UnitRepository
from gongjian_shared.auth import Principal, Role
from gongjian_shared.errors import Forbidden, field_error


@dataclass(frozen=True)
class Scope:
    principal: Principal
    everything: bool
    read_all: bool
    unit_ids: frozenset[uuid.UUID]
    review_unit_ids: frozenset[uuid.UUID]
    leader_ids: frozenset[uuid.UUID]

    def may_read(self, unit_id: uuid.UUID, leader_ids: frozenset[uuid.UUID] = frozenset()) -> bool:
        return self.read_all or unit_id in self.unit_ids or bool(self.leader_ids & leader_ids)

    def may_write(self, unit_id: uuid.UUID) -> bool:
        return self.everything or (self.principal.has(Role.REPORTER) and self.principal.unit_id == unit_id)

    def may_review(self, unit_id: uuid.UUID) -> bool:
        return self.everything or (self.principal.has(Role.REVIEWER) and unit_id in self.review_unit_ids)

    def ensure_may_write(self, unit_id: uuid.UUID, field: str = "unit_id") -> None:
        if not self.may_write(unit_id):
            raise Forbidden(
                "You may only write projects of your own unit.",
                errors=[field_error(field, "own-unit", "Not your unit", "只能操作本单位的项目")],
            )


async def scope_for(session: AsyncSession, principal: Principal) -> Scope:
    everything = principal.is_office
    unit_ids: set[uuid.UUID] = set()
    review_unit_ids: set[uuid.UUID] = set()
    own = principal.unit_id
    if own is not None and principal.has(Role.REPORTER, Role.LIAISON, Role.REVIEWER):
        unit_ids.add(own)
    if own is not None and principal.has(Role.REVIEWER):
        review_unit_ids = {own, *await UnitRepository(session).child_ids(own)}
        unit_ids |= review_unit_ids
    leader_ids: set[uuid.UUID] = set()
    if principal.has(Role.LEADER):
        leader_ids = set(await LeaderRepository(session).ids_for_user(principal.user_id))
    return Scope(
        principal=principal,
        everything=everything,
        read_all=everything or principal.has(Role.CONVENER),
        unit_ids=frozenset(unit_ids),
        review_unit_ids=frozenset(review_unit_ids),
        leader_ids=frozenset(leader_ids),
    )
