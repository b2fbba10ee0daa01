"""One access policy for the four services: who may read, write, review or administer what.

Pure and typed, no I/O. A decision needs only the caller (`Principal`, from the token), the unit tree
(`UnitTree`, cached in each service: `UnitTreeCache`), the leader ids assigned to the caller's account (cached
by the service that needs them) and the facts of the object (`Facts`: its owning unit, its leaders, its
industry, the units helping on it, the unit of its meeting body). So authorising a request costs no database
round trip beyond the one that loads the object.

The rules (`Scope.allows`):

| role | read | write | review | administer |
| --- | --- | --- | --- | --- |
| admin, office | everything | everything | everything | everything |
| convener | everything | - | meetings (approves agendas) | - |
| reporter | own unit; obstacles its unit helps on | own unit; obstacles its unit helps on | - | - |
| liaison | own unit; obstacles its unit helps on | - | - | - |
| reviewer | own unit and the units under it; a department reviewer also the county and zone projects of its sector (`DEPARTMENT_SECTORS`) | - | own unit and the units under it | - |
| leader | the projects assigned to them (领导包抓) | - | - | - |
| unit-admin | own unit and the units under it | - | - | accounts of own unit and the units under it; its county's joint meetings |
| service account | everything its scopes reach (the scopes are enforced per operation by auth's `CurrentPrincipal`) | - | - | - |

Meetings (`Facts(meeting=True, meeting_unit_id=...)`): a city meeting (no unit) is read by every signed-in
person; a county or zone meeting by the units of that county (the meeting's unit and the units under it), the
office and conveners; it is run (`ADMINISTER`) by the office or by a `unit-admin` of that county.

A caller who may not read an object must get the same answer as for a missing id (404), never 403.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from gongjian_shared.auth import Principal, Role

__all__ = [
    "COUNTY_KINDS",
    "DEPARTMENT_SECTORS",
    "Access",
    "Cached",
    "Facts",
    "Scope",
    "UnitNode",
    "UnitTree",
    "UnitTreeCache",
    "allows",
    "department_of_industry",
    "scope_of",
]


class Access(StrEnum):
    READ = "read"
    WRITE = "write"
    REVIEW = "review"  # pass or return a unit's monthly report (初审), approve an agenda
    ADMINISTER = "administer"  # manage accounts of a unit; run a joint meeting


# A project of a county or zone (县区、开发区) is a "county project" a department reviewer sees by sector.
COUNTY_KINDS = frozenset({"county", "zone"})

# Which city department oversees which industry (行业主管部门): a project's free-text `industry` (as units
# enter it, e.g. "交通", "水利", "能源") matched exactly to the department's unit name in the seed data
# (`joint-meeting-members.csv`). One industry belongs to one department; a department without a row (财政局,
# 统计局, 督查室, 公安局, 招商局) reviews no sector. Unknown or empty industries belong to no sector.
DEPARTMENT_SECTORS: Mapping[str, frozenset[str]] = {
    "市发改委": frozenset({"能源", "电力", "新能源", "油气", "综合"}),
    "市交通运输局": frozenset({"交通", "交通运输", "公路", "铁路", "航运", "民航"}),
    "市水利局": frozenset({"水利", "水务", "供水", "防洪"}),
    "市工信局": frozenset({"工业", "制造业", "新材料", "信息化", "通信"}),
    "市住建局": frozenset({"城建", "城市建设", "市政", "住房", "房地产", "保障性住房", "棚户区改造"}),
    "市教体局": frozenset({"教育", "体育"}),
    "市卫健委": frozenset({"卫生", "医疗", "健康"}),
    "市民政局": frozenset({"民政", "养老", "社会福利"}),
    "市文旅广电局": frozenset({"文化", "旅游", "文旅", "广电"}),
    "市农业农村局": frozenset({"农业", "农村", "乡村振兴"}),
    "市林业局": frozenset({"林业"}),
    "市生态环境局": frozenset({"生态环境", "环保", "污水处理", "垃圾处理"}),
    "市自然资源局": frozenset({"自然资源", "国土", "土地整治", "矿产"}),
    "市商务局": frozenset({"商贸", "商务", "物流"}),
    "市科技局": frozenset({"科技", "研发"}),
    "市人社局": frozenset({"就业", "职业培训"}),
}


def department_of_industry(industry: str | None) -> str | None:
    """The department (unit name) overseeing an industry, or None."""
    if not industry:
        return None
    wanted = industry.strip()
    return next((name for name, sector in DEPARTMENT_SECTORS.items() if wanted in sector), None)


@dataclass(frozen=True)
class UnitNode:
    """A unit as the tree needs it; `kind` and `name` only matter for department sectors."""

    unit_id: uuid.UUID
    parent_unit_id: uuid.UUID | None = None
    kind: str | None = None
    name: str | None = None


class UnitTree:
    """The units and their parents (a zone under its county), built from `UnitNode`s or
    `(unit_id, parent_unit_id)` pairs. Cycles and dangling parents are tolerated (treated as roots)."""

    def __init__(self, units: Iterable[UnitNode | tuple[uuid.UUID, uuid.UUID | None]] = ()) -> None:
        self._nodes: dict[uuid.UUID, UnitNode] = {}
        for unit in units:
            node = unit if isinstance(unit, UnitNode) else UnitNode(unit[0], unit[1])
            self._nodes[node.unit_id] = node
        self._children: dict[uuid.UUID, list[uuid.UUID]] = {}
        for node in self._nodes.values():
            if node.parent_unit_id is not None:
                self._children.setdefault(node.parent_unit_id, []).append(node.unit_id)

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def node(self, unit_id: uuid.UUID) -> UnitNode | None:
        return self._nodes.get(unit_id)

    def kind(self, unit_id: uuid.UUID | None) -> str | None:
        node = self._nodes.get(unit_id) if unit_id is not None else None
        return node.kind if node else None

    def parent(self, unit_id: uuid.UUID) -> uuid.UUID | None:
        node = self._nodes.get(unit_id)
        return node.parent_unit_id if node else None

    def ancestors(self, unit_id: uuid.UUID) -> tuple[uuid.UUID, ...]:
        """The units above a unit, nearest first."""
        found: list[uuid.UUID] = []
        current = self.parent(unit_id)
        while current is not None and current != unit_id and current not in found:
            found.append(current)
            current = self.parent(current)
        return tuple(found)

    def descendants(self, unit_id: uuid.UUID) -> frozenset[uuid.UUID]:
        """Every unit under a unit (not the unit itself)."""
        found: set[uuid.UUID] = set()
        pending = list(self._children.get(unit_id, ()))
        while pending:
            child = pending.pop()
            if child == unit_id or child in found:
                continue
            found.add(child)
            pending.extend(self._children.get(child, ()))
        return frozenset(found)

    def subtree(self, unit_id: uuid.UUID) -> frozenset[uuid.UUID]:
        """A unit and every unit under it."""
        return self.descendants(unit_id) | {unit_id}

    def within(self, unit_id: uuid.UUID | None, root: uuid.UUID | None) -> bool:
        """Whether `unit_id` is `root` or a unit under it."""
        if unit_id is None or root is None:
            return False
        return unit_id == root or root in self.ancestors(unit_id)

    def of_kinds(self, kinds: Iterable[str]) -> frozenset[uuid.UUID]:
        wanted = set(kinds)
        return frozenset(node.unit_id for node in self._nodes.values() if node.kind in wanted)


@dataclass(frozen=True)
class Facts:
    """What the policy needs to know about an object; the units above its unit come from the tree.

    - `unit_id`: the owning unit (a project's responsible unit, a report's unit, an account's unit, a
      topic's submitting unit); None for city-level objects (plans, statistics of the whole city);
    - `leader_ids`: the leaders assigned to it (a project's 包抓领导);
    - `industry`: a project's industry, for department reviewers;
    - `helping_unit_ids`: units named to help (a ledger obstacle's responsible unit, a resolution's units);
    - `meeting`: the object is a joint meeting or belongs to one; `meeting_unit_id` is its body's unit
      (None: the city's own meeting).
    """

    unit_id: uuid.UUID | None = None
    leader_ids: frozenset[uuid.UUID] = frozenset()
    industry: str | None = None
    helping_unit_ids: frozenset[uuid.UUID] = frozenset()
    meeting: bool = False
    meeting_unit_id: uuid.UUID | None = None


_UNIT_PEOPLE = (Role.REPORTER, Role.LIAISON, Role.REVIEWER, Role.UNIT_ADMIN)


def _is_service(principal: Principal) -> bool:
    return principal.is_service or principal.has(Role.SERVICE)


@dataclass(frozen=True)
class Scope:
    """What one caller may do, worked out once per request; `allows` decides for one object and the sets
    let list queries filter in SQL (`unit_ids` for reads, `sector_*` for a department reviewer)."""

    principal: Principal
    tree: UnitTree
    everything: bool
    read_all: bool
    unit_ids: frozenset[uuid.UUID]
    write_unit_ids: frozenset[uuid.UUID]
    review_unit_ids: frozenset[uuid.UUID]
    administer_unit_ids: frozenset[uuid.UUID]
    leader_ids: frozenset[uuid.UUID] = frozenset()
    sector_industries: frozenset[str] = frozenset()
    sector_unit_ids: frozenset[uuid.UUID] = frozenset()

    @property
    def helping_unit_id(self) -> uuid.UUID | None:
        """The unit whose helping duties the caller carries (its own unit, for a unit's people)."""
        if self.principal.unit_id is not None and self.principal.has(*_UNIT_PEOPLE):
            return self.principal.unit_id
        return None

    def in_sector(self, unit_id: uuid.UUID | None, industry: str | None) -> bool:
        return (
            unit_id is not None
            and industry is not None
            and industry.strip() in self.sector_industries
            and unit_id in self.sector_unit_ids
        )

    def _helps(self, facts: Facts) -> bool:
        return self.helping_unit_id is not None and self.helping_unit_id in facts.helping_unit_ids

    def allows(self, access: Access, facts: Facts) -> bool:
        if self.everything:
            return True
        if _is_service(self.principal):  # machines read what their scopes reach, and never change anything
            return access is Access.READ
        if facts.meeting:
            return self._allows_meeting(access, facts)
        if access is Access.READ:
            return (
                self.read_all
                or (facts.unit_id is not None and facts.unit_id in self.unit_ids)
                or bool(self.leader_ids & facts.leader_ids)
                or self.in_sector(facts.unit_id, facts.industry)
                or self._helps(facts)
            )
        if access is Access.WRITE:
            return (facts.unit_id is not None and facts.unit_id in self.write_unit_ids) or (
                self.principal.has(Role.REPORTER) and self._helps(facts)
            )
        if access is Access.REVIEW:
            return facts.unit_id is not None and facts.unit_id in self.review_unit_ids
        return facts.unit_id is not None and facts.unit_id in self.administer_unit_ids

    def _allows_meeting(self, access: Access, facts: Facts) -> bool:
        principal = self.principal
        runs = (
            principal.has(Role.UNIT_ADMIN)
            and facts.meeting_unit_id is not None
            and self.tree.within(facts.meeting_unit_id, principal.unit_id)
        )
        if access is Access.ADMINISTER:
            return runs
        if access is Access.REVIEW:
            return principal.has(Role.CONVENER)
        owner = facts.unit_id is not None and facts.unit_id == principal.unit_id
        if access is Access.WRITE:
            return runs or (
                principal.has(Role.REPORTER, Role.LIAISON, Role.UNIT_ADMIN) and (owner or self._helps(facts))
            )
        if self.read_all or runs or owner or self._helps(facts):
            return True
        if not principal.roles:
            return False
        if facts.meeting_unit_id is None:
            return True
        return self.tree.within(principal.unit_id, facts.meeting_unit_id)

    def may_read(self, facts: Facts) -> bool:
        return self.allows(Access.READ, facts)

    def may_write(self, facts: Facts) -> bool:
        return self.allows(Access.WRITE, facts)

    def may_review(self, facts: Facts) -> bool:
        return self.allows(Access.REVIEW, facts)

    def may_administer(self, facts: Facts) -> bool:
        return self.allows(Access.ADMINISTER, facts)


def scope_of(principal: Principal, tree: UnitTree, leader_ids: Iterable[uuid.UUID] = frozenset()) -> Scope:
    """The caller's scope: `leader_ids` are the leaders linked to the caller's account (only used when the
    caller holds the leader role)."""
    own = principal.unit_id
    everything = principal.is_office
    service = _is_service(principal)
    person = not service
    subtree = tree.subtree(own) if own is not None else frozenset()
    unit_ids: set[uuid.UUID] = set()
    write: frozenset[uuid.UUID] = frozenset()
    review: frozenset[uuid.UUID] = frozenset()
    administer: frozenset[uuid.UUID] = frozenset()
    industries: frozenset[str] = frozenset()
    sector_units: frozenset[uuid.UUID] = frozenset()
    if own is not None and person:
        if principal.has(Role.REPORTER, Role.LIAISON):
            unit_ids.add(own)
        if principal.has(Role.REPORTER):
            write = frozenset({own})
        if principal.has(Role.REVIEWER):
            review = subtree
            unit_ids |= subtree
            node = tree.node(own)
            if node is not None and node.kind == "department" and node.name is not None:
                industries = DEPARTMENT_SECTORS.get(node.name, frozenset())
                sector_units = tree.of_kinds(COUNTY_KINDS) if industries else frozenset()
        if principal.has(Role.UNIT_ADMIN):
            administer = subtree
            unit_ids |= subtree
    return Scope(
        principal=principal,
        tree=tree,
        everything=everything,
        read_all=everything or service or (person and principal.has(Role.CONVENER)),
        unit_ids=frozenset(unit_ids),
        write_unit_ids=write,
        review_unit_ids=review,
        administer_unit_ids=administer,
        leader_ids=frozenset(leader_ids) if person and principal.has(Role.LEADER) else frozenset(),
        sector_industries=industries,
        sector_unit_ids=sector_units,
    )


def allows(
    principal: Principal,
    access: Access,
    facts: Facts,
    tree: UnitTree,
    leader_ids: Iterable[uuid.UUID] = frozenset(),
) -> bool:
    """One decision, for callers that check a single object."""
    return scope_of(principal, tree, leader_ids).allows(access, facts)


T = TypeVar("T")


class Cached(Generic[T]):
    """A value loaded once, on first use, and again after `invalidate()`.

    A load that was under way when `invalidate()` ran is not kept (it may have read the old rows), so an
    owner that invalidates after its commit never keeps a stale copy. Holds no connection: `load` does the
    I/O, the cache only remembers.
    """

    def __init__(self, load: Callable[[], Awaitable[T]]) -> None:
        self._load = load
        self._box: tuple[T] | None = None
        self._generation = 0
        self._lock = asyncio.Lock()

    @property
    def loaded(self) -> bool:
        return self._box is not None

    def invalidate(self) -> None:
        self._generation += 1
        self._box = None

    def set(self, value: T) -> None:
        self._generation += 1
        self._box = (value,)

    async def get(self) -> T:
        box = self._box
        if box is not None:
            return box[0]
        async with self._lock:
            value: T | None = None
            for _ in range(3):
                if self._box is not None:
                    return self._box[0]
                generation = self._generation
                value = await self._load()
                if generation == self._generation:
                    self._box = (value,)
                    return value
            # invalidated during every load: answer the freshest copy without keeping it
            assert value is not None
            return value


class UnitTreeCache(Cached[UnitTree]):
    """The service's unit tree: loaded lazily through `load`, invalidated when units change (after the
    owner's commit in projects-api; on `unit-updated` events elsewhere and in other replicas)."""
