from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    Uuid,
    and_,
    bindparam,
    exists,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by, asyncpg
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import aliased, selectinload

from gongjian_projects.models import (
    Project,
    ProjectIdentity,
    ProjectLeader,
    ProjectMonthPlan,
    ProjectStatusChange,
    ProjectWarning,
)
from gongjian_projects.projects import paging
from gongjian_projects.projects.paging import Cursor
from gongjian_projects.projects.schemas import ProjectFilter
from gongjian_shared.access import Scope
from gongjian_shared.repository import Repository

# what a listed entry is read with: its columns, its leaders in order and its monthly plan (NULL when none)
_LISTED = (
    *Project.__table__.columns,
    func.array(
        select(ProjectLeader.leader_id)
        .where(ProjectLeader.project_id == Project.id)
        .order_by(ProjectLeader.position)
        .scalar_subquery(),
        type_=ARRAY(Uuid),
    ).label("leader_ids"),
    select(func.array_agg(aggregate_order_by(ProjectMonthPlan.planned_10k, ProjectMonthPlan.month)))
    .where(ProjectMonthPlan.project_id == Project.id)
    .scalar_subquery()
    .label("planned_by_month"),
)

_LISTED_SELECT = select(*_LISTED)  # built once: each page adds its conditions to a copy

# the tables' own columns, for the conditions the list adds on every request: building them from the ORM's
# attributes costs several times as much, for the same SQL
_PROJECT = Project.__table__.c
_LEADER = ProjectLeader.__table__.c
_WARNING = ProjectWarning.__table__.c


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _assigned_to(leader_ids: frozenset[uuid.UUID] | tuple[uuid.UUID, ...]) -> ColumnElement[bool]:
    return exists().where(_LEADER.project_id == _PROJECT.id, _LEADER.leader_id.in_(list(leader_ids)))


def visible_to(scope: Scope) -> ColumnElement[bool] | None:
    """The projects the caller may read, in SQL (the shared policy's READ rule); None: every project."""
    if scope.read_all:
        return None
    visible: list[ColumnElement[bool]] = []
    if scope.unit_ids:
        visible.append(_PROJECT.unit_id.in_(list(scope.unit_ids)))
    if scope.leader_ids:
        visible.append(_assigned_to(scope.leader_ids))
    if scope.sector_industries and scope.sector_unit_ids:
        visible.append(
            and_(
                func.btrim(_PROJECT.industry).in_(list(scope.sector_industries)),
                _PROJECT.unit_id.in_(list(scope.sector_unit_ids)),
            )
        )
    return or_(*visible) if visible else false()


def visible_project_ids(scope: Scope) -> Select[Any] | None:
    """The ids of the projects the caller may read, for lists of what hangs off a project; None: all."""
    clause = visible_to(scope)
    return None if clause is None else select(_PROJECT.id).where(clause)


Selected = TypeVar("Selected")


def filtered(query: Select[Selected], where: ProjectFilter) -> Select[Selected]:
    if where.scope is not None and (visible := visible_to(where.scope)) is not None:
        query = query.where(visible)
    if where.year is not None:
        query = query.where(_PROJECT.year == where.year)
    if where.kind is not None:
        query = query.where(_PROJECT.kind == where.kind)
    if where.unit_ids:
        query = query.where(_PROJECT.unit_id.in_(list(where.unit_ids)))
    if where.plan_category is not None:
        query = query.where(_PROJECT.plan_category == where.plan_category)
    if where.status is not None:
        query = query.where(_PROJECT.status == where.status)
    if where.leader_id is not None:
        query = query.where(_assigned_to((where.leader_id,)))
    if where.warning_colour is not None:
        query = query.where(
            exists().where(_WARNING.project_id == _PROJECT.id, _WARNING.colour == where.warning_colour)
        )
    if where.search:
        pattern = f"%{_escape_like(where.search)}%"
        query = query.where(or_(_PROJECT.name.ilike(pattern), _PROJECT.code.ilike(pattern)))
    return query


class ProjectRecord:
    """A plan entry read without the ORM (the detail's `ProjectRepository.entries_with`, the list's
    `ProjectRepository.page`), standing in for the ORM object where a project is only shown (`service.to_out`,
    `access.project_facts`): its columns as attributes, with `leader_ids` and `planned_by_month` in their order
    (`_LISTED`). Reading it skips the ORM's statement building and object loading, which cost several times the
    query itself on these paths. The columns are copied into the instance's own attributes once, as plain
    attribute reads cost a fraction of a row's look-up by name (a listed entry is read some forty times to be
    shown, fifty entries a page)."""

    def __init__(self, columns: Iterable[tuple[str, Any]]) -> None:
        self.__dict__.update(columns)

    if TYPE_CHECKING:  # the columns, read as attributes

        def __getattr__(self, name: str) -> Any: ...


def _entries_with_sql() -> str:
    """Every year's entry of the identity of the entry `$1`, read as a listed entry is (`_LISTED`), compiled once
    for the driver (`ProjectRepository.entries_with`)."""
    entry = aliased(Project)
    identity = select(entry.identity_id).where(entry.id == bindparam("project_id")).scalar_subquery()
    statement = select(*_LISTED).where(Project.identity_id == identity).order_by(Project.year)
    driver_dialect: Callable[[], Dialect] = asyncpg.dialect  # its $1 placeholders
    return str(statement.compile(dialect=driver_dialect()))


_ENTRIES_WITH_SQL = _entries_with_sql()


def page_statement(
    where: ProjectFilter, *, sort: str | None, limit: int, offset: int = 0, cursor: Cursor | None = None
) -> Select[Any]:
    """One page of the list, in one statement: every column of the entry, its `leader_ids` in order and its
    `planned_by_month` (NULL when none); after `cursor` when given (keyset), from `offset` otherwise."""
    query = filtered(_LISTED_SELECT, where)
    if cursor is not None:
        query = query.where(paging.after(cursor, year_filter=where.year))
    return query.order_by(*paging.order_by(sort)).limit(limit).offset(offset)


def count_statement(where: ProjectFilter) -> Select[Any]:
    return filtered(select(func.count()).select_from(Project.__table__), where)


class ProjectRepository(Repository):
    async def get(
        self, project_id: uuid.UUID, *, for_update: bool = False, with_details: bool = False
    ) -> Project | None:
        query = select(Project).where(Project.id == project_id)
        if for_update:
            query = query.with_for_update(of=Project)
        if with_details:
            query = query.options(selectinload(Project.leaders), selectinload(Project.month_plan))
        return (await self._session.execute(query)).scalar_one_or_none()

    async def leader_ids(self, project_id: uuid.UUID) -> Sequence[uuid.UUID]:
        query = select(ProjectLeader.leader_id).where(ProjectLeader.project_id == project_id)
        return (await self._session.execute(query)).scalars().all()

    async def by_code(self, code: str, year: int | None = None) -> Project | None:
        """The entry carrying the code (as its code or its pre-2020 code): of `year`, or of the latest year the
        project is on a plan."""
        query = select(Project).where(or_(Project.code == code, Project.legacy_code == code))
        if year is not None:
            query = query.where(Project.year == year)
        query = query.order_by(Project.year.desc()).limit(1)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def holder_of_code(self, code: str, *, besides: uuid.UUID | None = None) -> uuid.UUID | None:
        """The project identity that already carries the code, as its code or its pre-2020 code; `besides`
        names the identity asking (its own entries of other years share its code)."""
        query = select(ProjectIdentity.id).where(
            or_(ProjectIdentity.code == code, ProjectIdentity.legacy_code == code)
        )
        if besides is not None:
            query = query.where(ProjectIdentity.id != besides)
        return (await self._session.execute(query.limit(1))).scalar_one_or_none()

    async def identity(self, identity_id: uuid.UUID) -> ProjectIdentity | None:
        return await self._session.get(ProjectIdentity, identity_id)

    async def entries_with(self, project_id: uuid.UUID) -> list[ProjectRecord]:
        """Every year's entry of the project identity that `project_id` is an entry of, oldest year first, each
        with its leaders' ids and its month plan; [] when there is no such entry. The detail's read (项目详情), the
        most frequent request: one prepared statement on the driver, without the ORM's per-statement cost (see
        `ProjectRecord`)."""
        connection = await (await self._session.connection()).get_raw_connection()
        driver = connection.driver_connection
        assert driver is not None
        return [ProjectRecord(row.items()) for row in await driver.fetch(_ENTRIES_WITH_SQL, project_id)]

    async def entries_of(self, identity_id: uuid.UUID) -> Sequence[Project]:
        """Every year's entry of a project identity, oldest year first."""
        query = select(Project).where(Project.identity_id == identity_id).order_by(Project.year)
        query = query.options(selectinload(Project.leaders), selectinload(Project.month_plan))
        return (await self._session.execute(query)).scalars().all()

    async def page(
        self, where: ProjectFilter, *, sort: str | None, limit: int, offset: int, cursor: Cursor | None = None
    ) -> tuple[list[ProjectRecord], int]:
        """A page of the list (`page_statement`) and the total. After `cursor` (keyset) when given,
        else from `offset`; a page after a cursor counted for this list answers the cursor's total (the walk's
        first page's: `paging.total_of`) instead of counting again.
        The statements run on the session's connection as Core statements: the rows are only read, so the
        ORM's per-statement work (its compile state, loading) is skipped."""
        connection = await self._session.connection()
        statement = page_statement(where, sort=sort, limit=limit, offset=offset, cursor=cursor)
        result = await connection.execute(statement)
        columns = list(result.keys())
        items = [ProjectRecord(zip(columns, row, strict=True)) for row in result]
        if (carried := paging.total_of(cursor, where)) is not None:
            return items, carried
        if len(items) < limit and (items or offset == 0) and cursor is None:
            # a page that is not full is the last one: the total needs no count
            return items, offset + len(items)
        total = (await connection.execute(count_statement(where))).scalar()
        return items, int(total or 0)

    async def status_history(self, project_id: uuid.UUID) -> Sequence[ProjectStatusChange]:
        query = (
            select(ProjectStatusChange)
            .where(ProjectStatusChange.project_id == project_id)
            .order_by(ProjectStatusChange.seq)
        )
        return list((await self._session.execute(query)).scalars())
