"""The project registry (项目库): registration, changes, status history, and their events."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_projects.access import Scope, ensure_may_write, project_facts
from gongjian_projects.http import require_if_match
from gongjian_projects.leaders.errors import LeaderNotFound
from gongjian_projects.leaders.repository import LeaderRepository
from gongjian_projects.models import (
    Project,
    ProjectIdentity,
    ProjectLeader,
    ProjectMonthPlan,
    ProjectStatusChange,
)
from gongjian_projects.plans.repository import PlanRepository
from gongjian_projects.projects import kinds, paging
from gongjian_projects.projects.code_checks import check_code_segments
from gongjian_projects.projects.codes import SHAPE_MESSAGE, SHAPE_MESSAGE_ZH, parse_code
from gongjian_projects.projects.errors import ProjectCodeTaken, ProjectNotFound
from gongjian_projects.projects.repository import ProjectRecord, ProjectRepository
from gongjian_projects.projects.schemas import (
    Location,
    ProjectCreate,
    ProjectFilter,
    ProjectOut,
    ProjectPage,
    ProjectUpdate,
    StatusChangeOut,
)
from gongjian_projects.units.errors import UnitNotFound
from gongjian_projects.units.repository import UnitRepository
from gongjian_shared.errors import RuleViolation, field_error
from gongjian_shared.events.envelope import EventPayload
from gongjian_shared.events.projects import ProjectRegistered, ProjectUpdated
from gongjian_shared.uow import UnitOfWork

_PLAIN_FIELDS = (
    "name",
    "responsible_person",
    "industry",
    "plan_category",
    "total_investment_10k",
    "planned_investment_10k",
    "planned_start",
    "planned_completion",
    "construction_content",
    "provincial_key",
)


def leader_ids_of(project: Project | ProjectRecord) -> list[uuid.UUID]:
    if isinstance(project, Project):
        return [link.leader_id for link in project.leaders]
    return list(project.leader_ids)


def to_out(project: Project | ProjectRecord) -> ProjectOut:
    return ProjectOut(**out_fields(project))


def out_fields(project: Project | ProjectRecord) -> dict[str, Any]:
    """The entry as the API shows it (`ProjectOut`): from the model (its leaders and monthly plan loaded), or
    from an entry read without the ORM (`ProjectRecord`: a listed entry, a detail's), which carries
    `leader_ids` and `planned_by_month` as columns."""
    leader_ids: Sequence[uuid.UUID] | None
    planned_by_month: Sequence[Decimal] | None
    if isinstance(project, Project):
        leader_ids = leader_ids_of(project)
        planned_by_month = [m.planned_10k for m in project.month_plan]
    else:
        leader_ids, planned_by_month = project.leader_ids, project.planned_by_month
    return dict(  # noqa: C408 (the fields of ProjectOut, as keywords)
        id=project.id,
        identity_id=project.identity_id,
        carried_from_id=project.carried_from_id,
        year=project.year,
        kind=project.kind,
        name=project.name,
        code=project.code,
        code_shape=project.code_shape,
        legacy_code=project.legacy_code,
        region_code=project.region_code,
        region_unit_id=project.region_unit_id,
        unit_id=project.unit_id,
        responsible_person=project.responsible_person,
        industry=project.industry,
        location=Location.model_construct(  # stored values, validated when they came in
            admin_code=project.location_admin_code,
            address=project.address,
            latitude=project.latitude,
            longitude=project.longitude,
        ),
        plan_category=project.plan_category,
        total_investment_10k=project.total_investment_10k,
        planned_investment_10k=project.planned_investment_10k,
        planned_by_month=list(planned_by_month or ()) or None,
        planned_start=project.planned_start,
        planned_completion=project.planned_completion,
        construction_content=project.construction_content,
        provincial_key=project.provincial_key,
        leader_ids=list(leader_ids or ()),
        status=project.status,
        started_on=project.started_on,
        completed_on=project.completed_on,
        planned=kinds.planned_out(project),
        attraction=kinds.attraction_out(project),
        revision=project.revision,
        created_at=project.created_at,
        updated_at=project.updated_at,
    )


def project_registered(project: Project) -> ProjectRegistered:
    """The event of an entry entering a year's plan, registered or carried over (项目入库 / 结转)."""
    return ProjectRegistered(
        project_id=project.id,
        unit_id=project.unit_id,
        year=project.year,
        kind=project.kind,
        name=project.name,
        code=project.code,
        plan_category=project.plan_category,
        total_investment_10k=project.total_investment_10k,
        planned_investment_10k=project.planned_investment_10k,
        planned_start=project.planned_start,
        planned_completion=project.planned_completion,
        provincial_key=project.provincial_key,
        identity_id=project.identity_id,
        carried_from_id=project.carried_from_id,
    )


async def new_identity(
    session: AsyncSession,
    name: str,
    unit_id: uuid.UUID,
    code: str | None,
    legacy_code: str | None,
    at: datetime,
) -> ProjectIdentity:
    """The project as one identity across the years, created with its first entry (its codes checked)."""
    identity = ProjectIdentity(
        id=uuid.uuid4(), code=code, legacy_code=legacy_code, name=name, unit_id=unit_id, created_at=at
    )
    projects = ProjectRepository(session)
    projects.add(identity)
    await projects.flush()
    return identity


async def _recode(
    session: AsyncSession, project: Project, code: str | None, legacy: str | None, *, checked: bool = True
) -> list[Project]:
    """A change of code is the identity's: it and every year's entry of it carry the new codes. Returns the
    entries of the other years, which changed too."""
    projects = ProjectRepository(session)
    shape, region, region_unit_id = (
        await _checked_codes(
            session, code, legacy, project.identity_id, unit_id=project.unit_id, plan_year=project.year
        )
        if checked
        else (None, None, None)
    )
    identity = await projects.identity(project.identity_id)
    assert identity is not None
    identity.code, identity.legacy_code = code, legacy
    others = [entry for entry in await projects.entries_of(project.identity_id) if entry.id != project.id]
    for entry in (project, *others):
        entry.code, entry.legacy_code = code, legacy
        entry.code_shape, entry.region_code, entry.region_unit_id = shape, region, region_unit_id
    return others


async def release_codes(uow: UnitOfWork, project: Project) -> None:
    """The project identity gives up its unified codes (they move to another project, e.g. a handover)."""
    for other in await _recode(uow.session, project, None, None, checked=False):
        await _publish_recoded(uow, other)
    await ProjectRepository(uow.session).flush()


async def _publish_recoded(uow: UnitOfWork, entry: Project) -> None:
    entry.revision += 1
    entry.updated_at = uow.clock.now()
    await publish_project_changed(uow, entry)


def project_updated(project: Project) -> ProjectUpdated:
    return ProjectUpdated(
        project_id=project.id,
        unit_id=project.unit_id,
        year=project.year,
        kind=project.kind,
        name=project.name,
        code=project.code,
        plan_category=project.plan_category,
        total_investment_10k=project.total_investment_10k,
        planned_investment_10k=project.planned_investment_10k,
        planned_start=project.planned_start,
        planned_completion=project.planned_completion,
        status=project.status,
        provincial_key=project.provincial_key,
        leader_ids=tuple(leader_ids_of(project)),
    )


async def publish_project_changed(uow: UnitOfWork, project: Project, *happened: EventPayload) -> None:
    """How every change of a project ends: the events of what happened to it, then its whole state as
    `project-updated`, all keyed by the project."""
    for event in happened:
        await uow.outbox.publish(uow.session, event, key=str(project.id))
    await uow.outbox.publish(uow.session, project_updated(project), key=str(project.id))


# a continuing (续建) or completion (竣工) project is under construction when it enters the year's plan
UNDER_CONSTRUCTION_CATEGORIES = ("continuing", "completion")
ENTERING_UNDER_CONSTRUCTION = (
    "{category} project: under construction when it enters the {year} plan (续建/竣工项目入库即为在建)"
)


def entering_status(kind: str, plan_category: str | None) -> str:
    """The status a project enters the year with: `started` for a key project that is continuing or to be
    completed this year, `planned` otherwise (a new start waits for its start recognition)."""
    return "started" if kind == "key" and plan_category in UNDER_CONSTRUCTION_CATEGORIES else "planned"


def entering_reason(project: Project) -> str | None:
    if project.status != "started":
        return None
    return ENTERING_UNDER_CONSTRUCTION.format(category=project.plan_category, year=project.year)


def follow_plan_category(
    projects: ProjectRepository, project: Project, *, at: datetime, by: uuid.UUID | None
) -> None:
    """A change of plan category before any recognised start moves the project between not started and
    under construction, with the reason in its history."""
    if project.started_on is not None or project.status not in ("planned", "started"):
        return
    wanted = entering_status(project.kind, project.plan_category)
    if wanted != project.status:
        reason = (
            ENTERING_UNDER_CONSTRUCTION.format(category=project.plan_category, year=project.year)
            if wanted == "started"
            else f"plan category {project.plan_category}: waits for its start recognition (待开工认定)"
        )
        record_status(projects, project, wanted, at=at, by=by, reason=reason)


def record_status(
    projects: ProjectRepository,
    project: Project,
    to_status: str,
    *,
    at: datetime,
    by: uuid.UUID | None,
    reason: str | None = None,
) -> None:
    """Move a project to a status and keep the step in its history (server-owned: never a client field)."""
    projects.add(
        ProjectStatusChange(
            id=uuid.uuid4(),
            project_id=project.id,
            from_status=project.status,
            to_status=to_status,
            changed_at=at,
            changed_by=by,
            reason=reason,
        )
    )
    project.status = to_status


async def visible_project(
    uow: UnitOfWork,
    scope: Scope,
    project_id: uuid.UUID,
    *,
    for_update: bool = False,
    details: bool = True,
) -> Project:
    """The project, if the caller may see it; 404 otherwise, so other units' projects stay unknown.
    Without `details` its leaders and monthly plan are not loaded (hot paths that do not show them)."""
    projects = ProjectRepository(uow.session)
    project = await projects.get(project_id, for_update=for_update, with_details=details)
    return await readable_project(uow, scope, project_id, project, details=details)


async def readable_project(
    uow: UnitOfWork, scope: Scope, project_id: uuid.UUID, project: Project | None, *, details: bool
) -> Project:
    """`project` (the entry `project_id` names, as the caller read it, None when there is none) if the caller may
    see it; 404 otherwise. `visible_project`'s check, for a path that reads the entry together with other rows."""
    if project is None:
        raise ProjectNotFound(f"No project {project_id}.")
    if scope.may_read(project_facts(project)):
        return project
    if scope.leader_ids:
        leaders = (
            leader_ids_of(project) if details else await ProjectRepository(uow.session).leader_ids(project.id)
        )
        if scope.may_read(project_facts(project, leaders)):
            return project
    raise ProjectNotFound(f"No project {project_id}.")


async def project_page(
    uow: UnitOfWork, where: ProjectFilter, *, sort: str | None, limit: int, offset: int, cursor: str | None
) -> ProjectPage:
    """A page of the list: from `offset`, or after `cursor` (keyset, for long lists); `next_cursor` continues
    it. A cursor goes with the first page's offset (0)."""
    after = paging.decode(cursor, sort) if cursor is not None else None
    if after is not None and offset:
        raise paging.bad_cursor("Give either a cursor or an offset, not both.")
    rows, total = await ProjectRepository(uow.session).page(
        where, sort=sort, limit=limit, offset=offset, cursor=after
    )
    return ProjectPage(
        items=[to_out(row) for row in rows],
        total=total,
        limit=limit,
        offset=offset,
        next_cursor=paging.next_cursor(sort, rows, limit, total, where),
    )


async def status_history(uow: UnitOfWork, scope: Scope, project_id: uuid.UUID) -> list[StatusChangeOut]:
    project = await visible_project(uow, scope, project_id, details=False)
    changes = await ProjectRepository(uow.session).status_history(project.id)
    return [StatusChangeOut.model_validate(change, from_attributes=True) for change in changes]


async def _checked_codes(
    session: AsyncSession,
    code: str | None,
    legacy_code: str | None,
    besides: uuid.UUID | None,
    *,
    unit_id: uuid.UUID,
    plan_year: int,
) -> tuple[str | None, str | None, uuid.UUID | None]:
    """(shape, region, region unit) of a valid, unused code pair fitting its unit and plan year; problem
    details otherwise."""
    parsed = parse_code(code) if code else None
    if code and parsed is None:
        raise RuleViolation(
            errors=[
                field_error(
                    "code",
                    "code-shape",
                    SHAPE_MESSAGE,
                    SHAPE_MESSAGE_ZH,
                )
            ]
        )
    if legacy_code:
        legacy = parse_code(legacy_code)
        if legacy is None or legacy.shape != "pre-2020" or parsed is None or parsed.shape != "current":
            raise RuleViolation(
                errors=[
                    field_error(
                        "legacy_code",
                        "legacy-shape",
                        "The legacy code must be a pre-2020 code, next to a current-shape code",
                        "原项目代码须为2020年前格式，且项目代码为现行格式",
                    )
                ]
            )
    await check_code_segments(session, unit_id, plan_year, {"code": code, "legacy_code": legacy_code})
    projects = ProjectRepository(session)
    for name, value in (("code", code), ("legacy_code", legacy_code)):
        if value and await projects.holder_of_code(value, besides=besides) is not None:
            raise ProjectCodeTaken(
                errors=[field_error(name, "unique", "Code already registered", "统一项目代码已登记")]
            )
    if parsed is None:
        return None, None, None
    region_unit = None
    if parsed.ankang_region is not None:
        region_unit = await UnitRepository(session).by_admin_code(parsed.ankang_region)
    return parsed.shape, parsed.region, region_unit.id if region_unit else None


def month_plan_fits(months: Sequence[Decimal], annual: Decimal) -> bool:
    """Twelve non-negative monthly amounts (分月计划) adding up to the annual planned investment."""
    return sum(months, Decimal(0)) == annual and all(amount >= 0 for amount in months)


def checked_month_plan(months: Sequence[Decimal] | None, annual: Decimal) -> list[ProjectMonthPlan]:
    if months is None:
        return []
    if not month_plan_fits(months, annual):
        raise RuleViolation(
            errors=[
                field_error(
                    "planned_by_month",
                    "sums-to-annual",
                    f"The twelve months must be non-negative and add up to {annual} 万元",
                    f"分月计划须为非负数且合计等于年度计划投资 {annual} 万元",
                )
            ]
        )
    return [ProjectMonthPlan(month=index + 1, planned_10k=amount) for index, amount in enumerate(months)]


async def checked_leaders(session: AsyncSession, leader_ids: Sequence[uuid.UUID]) -> list[ProjectLeader]:
    unique = list(dict.fromkeys(leader_ids))
    missing = set(unique) - await LeaderRepository(session).existing_ids(unique)
    if missing:
        raise LeaderNotFound(
            errors=[
                field_error(
                    "leader_ids", "exists", f"No leader {sorted(map(str, missing))}", "包抓领导不存在"
                )
            ]
        )
    return [ProjectLeader(leader_id=leader_id, position=index) for index, leader_id in enumerate(unique)]


async def _checked_unit(session: AsyncSession, scope: Scope, unit_id: uuid.UUID) -> None:
    ensure_may_write(scope, unit_id)
    if await UnitRepository(session).get(unit_id) is None:
        raise UnitNotFound(errors=[field_error("unit_id", "exists", "No such unit", "单位不存在")])


def _apply_location(project: Project, location: Location | None) -> None:
    location = location or Location()
    project.location_admin_code = location.admin_code
    project.address = location.address
    project.latitude = location.latitude
    project.longitude = location.longitude


def _ensure_completion_after_start(project: Project) -> None:
    if (
        project.planned_start
        and project.planned_completion
        and project.planned_completion < project.planned_start
    ):
        raise RuleViolation(
            errors=[
                field_error(
                    "planned_completion", "after-start", "Completion before start", "计划竣工早于计划开工"
                )
            ]
        )


async def register_project(uow: UnitOfWork, scope: Scope, command: ProjectCreate) -> Project:
    session, outbox, clock = uow.session, uow.outbox, uow.clock
    await _checked_unit(session, scope, command.unit_id)
    shape, region, region_unit_id = await _checked_codes(
        session, command.code, command.legacy_code, None, unit_id=command.unit_id, plan_year=command.year
    )
    now = clock.now()
    identity = await new_identity(
        session, command.name, command.unit_id, command.code, command.legacy_code, now
    )
    project = Project(
        id=uuid.uuid4(),
        identity_id=identity.id,
        year=command.year,
        kind=command.kind,
        code=command.code,
        code_shape=shape,
        legacy_code=command.legacy_code,
        region_code=region,
        region_unit_id=region_unit_id,
        unit_id=command.unit_id,
        status=entering_status(command.kind, command.plan_category),
        revision=1,
        created_at=now,
        updated_at=now,
        leaders=await checked_leaders(session, command.leader_ids),
        month_plan=checked_month_plan(command.planned_by_month, command.planned_investment_10k),
        **{name: getattr(command, name) for name in _PLAIN_FIELDS},
    )
    _apply_location(project, command.location)
    kinds.apply_kind_fields(project, command.planned, command.attraction, creating=True)
    project.added_mid_year = project.kind == "key" and await PlanRepository(session).is_published(
        project.year
    )
    projects = ProjectRepository(session)
    projects.add(project)
    await projects.flush()
    projects.add(
        ProjectStatusChange(
            id=uuid.uuid4(),
            project_id=project.id,
            to_status=project.status,
            changed_at=now,
            changed_by=scope.principal.user_id,
            reason=entering_reason(project),
        )
    )
    await outbox.publish(session, project_registered(project), key=str(project.id))
    if project.kind == "planned":
        await outbox.publish(session, kinds.planned_project_updated(project), key=str(project.id))
    return project


async def update_project(
    uow: UnitOfWork, scope: Scope, project_id: uuid.UUID, if_match: str | None, command: ProjectUpdate
) -> Project:
    session, outbox, clock = uow.session, uow.outbox, uow.clock
    project = await visible_project(uow, scope, project_id, for_update=True)
    ensure_may_write(scope, project.unit_id)
    require_if_match(if_match, project.revision)
    changes = command.model_dump(exclude_unset=True)
    recoded: list[Project] = []
    moved = "unit_id" in changes and changes["unit_id"] != project.unit_id
    if moved:
        await _checked_unit(session, scope, changes["unit_id"])
        project.unit_id = changes["unit_id"]
    if "code" in changes or "legacy_code" in changes:
        code = changes.get("code", project.code)
        legacy = changes.get("legacy_code", project.legacy_code)
        recoded = await _recode(session, project, code, legacy)
    elif moved:
        codes = {"code": project.code, "legacy_code": project.legacy_code}
        await check_code_segments(session, project.unit_id, project.year, codes)
    for name in _PLAIN_FIELDS:
        if name in changes:
            setattr(project, name, changes[name])
    _ensure_completion_after_start(project)
    if "location" in changes:
        _apply_location(project, command.location)
    if "leader_ids" in changes:
        project.leaders = await checked_leaders(session, command.leader_ids or [])
    if "planned_by_month" in changes or ("planned_investment_10k" in changes and project.month_plan):
        months = (
            command.planned_by_month
            if "planned_by_month" in changes
            else [m.planned_10k for m in project.month_plan]
        )
        project.month_plan = checked_month_plan(months, project.planned_investment_10k)
    kinds.apply_kind_fields(project, command.planned, command.attraction, creating=False)
    projects = ProjectRepository(session)
    for other in recoded:
        await _publish_recoded(uow, other)
    if "plan_category" in changes:
        follow_plan_category(projects, project, at=clock.now(), by=scope.principal.user_id)
    project.revision += 1
    project.updated_at = clock.now()
    await projects.flush()
    await publish_project_changed(uow, project)
    if project.kind == "planned":
        await outbox.publish(session, kinds.planned_project_updated(project), key=str(project.id))
    return project
