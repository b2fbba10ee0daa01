"""The push ledger (攻坚台帐): obstacles per project, actions to clear them, escalation to the joint meeting."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_projects.access import Scope, ensure_may_write, obstacle_facts, project_facts
from gongjian_projects.http import require_if_match
from gongjian_projects.ledger.errors import ObstacleNotFound, ObstacleState
from gongjian_projects.ledger.repository import LedgerRepository
from gongjian_projects.ledger.schemas import (
    ActionCreate,
    EscalateRequest,
    ObstacleActionOut,
    ObstacleCreate,
    ObstacleOut,
    ObstaclePage,
    ObstacleUpdate,
)
from gongjian_projects.models import Obstacle, ObstacleAction, Project
from gongjian_projects.projects.repository import ProjectRepository, visible_project_ids
from gongjian_projects.projects.service import visible_project
from gongjian_projects.units.errors import UnitNotFound
from gongjian_projects.units.repository import UnitRepository
from gongjian_shared.access import Facts
from gongjian_shared.clock import business_today
from gongjian_shared.errors import field_error
from gongjian_shared.events.meetings import FeedbackStatus
from gongjian_shared.events.projects import ObstacleEscalated
from gongjian_shared.uow import UnitOfWork

OPEN = ("open", "in-progress")


class ResolutionRef(NamedTuple):
    """The joint-meeting resolution (议定事项) that took obstacles up."""

    id: uuid.UUID
    number: int


def to_out(obstacle: Obstacle, actions: Sequence[ObstacleAction], today: date) -> ObstacleOut:
    return ObstacleOut(
        id=obstacle.id,
        project_id=obstacle.project_id,
        unit_id=obstacle.unit_id,
        category=obstacle.category,
        description=obstacle.description,
        responsible_unit_id=obstacle.responsible_unit_id,
        due_on=obstacle.due_on,
        status=obstacle.status,
        proposed_solution=obstacle.proposed_solution,
        overdue=obstacle.status in OPEN and obstacle.due_on is not None and obstacle.due_on < today,
        resolved_on=obstacle.resolved_on,
        escalated_at=obstacle.escalated_at,
        closed_by_resolution_id=obstacle.closed_by_resolution_id,
        revision=obstacle.revision,
        actions=[
            ObstacleActionOut.model_validate(a, from_attributes=True)
            for a in actions
            if a.obstacle_id == obstacle.id
        ],
    )


async def _responsible_unit_exists(session: AsyncSession, unit_id: uuid.UUID | None) -> None:
    if unit_id is not None and await UnitRepository(session).get(unit_id) is None:
        raise UnitNotFound(
            errors=[field_error("responsible_unit_id", "exists", "No such unit", "责任单位不存在")]
        )


async def visible_obstacle(
    uow: UnitOfWork, scope: Scope, obstacle_id: uuid.UUID, *, for_update: bool = False
) -> tuple[Obstacle, Project, Facts]:
    """The obstacle, its project and its facts, if the caller may read it (its project's readers and the
    unit named to help clear it); 404 otherwise."""
    obstacle = await LedgerRepository(uow.session).get(obstacle_id, for_update=for_update)
    if obstacle is None:
        raise ObstacleNotFound(f"No obstacle {obstacle_id}.")
    projects = ProjectRepository(uow.session)
    project = await projects.get(obstacle.project_id)
    assert project is not None
    facts = obstacle_facts(obstacle, project)
    if not scope.may_read(facts) and scope.leader_ids:
        facts = obstacle_facts(obstacle, project, await projects.leader_ids(project.id))
    if not scope.may_read(facts):
        raise ObstacleNotFound(f"No obstacle {obstacle_id}.")
    return obstacle, project, facts


async def obstacle_out(uow: UnitOfWork, obstacle: Obstacle) -> ObstacleOut:
    actions = await LedgerRepository(uow.session).actions([obstacle.id])
    return to_out(obstacle, actions, business_today(uow.clock))


async def obstacle_page(
    uow: UnitOfWork,
    scope: Scope,
    *,
    project_id: uuid.UUID | None,
    unit_id: uuid.UUID | None,
    status: str | None,
    category: str | None,
    overdue: bool,
    limit: int,
    offset: int,
) -> ObstaclePage:
    """The obstacles the caller may read (its projects', and those its unit is named to help clear)."""
    today = business_today(uow.clock)
    ledger = LedgerRepository(uow.session)
    items, total = await ledger.page(
        visible_project_ids=visible_project_ids(scope),
        helping_unit_id=scope.helping_unit_id,
        project_id=project_id,
        unit_id=unit_id,
        status=status,
        category=category,
        overdue_on=today if overdue else None,
        limit=limit,
        offset=offset,
    )
    actions = await ledger.actions([item.id for item in items])
    return ObstaclePage(items=[to_out(item, actions, today) for item in items], total=total)


def _owner_writes(scope: Scope, project: Project) -> None:
    """Changing or escalating an obstacle is the project unit's; helping units only record actions."""
    ensure_may_write(scope, project_facts(project), field="project_id")


async def create(uow: UnitOfWork, scope: Scope, command: ObstacleCreate) -> Obstacle:
    session, clock = uow.session, uow.clock
    project = await visible_project(uow, scope, command.project_id, details=False)
    _owner_writes(scope, project)
    await _responsible_unit_exists(session, command.responsible_unit_id)
    now = clock.now()
    obstacle = Obstacle(
        id=uuid.uuid4(),
        unit_id=project.unit_id,
        status="open",
        created_by=scope.principal.user_id,
        created_at=now,
        updated_at=now,
        revision=1,
        **command.model_dump(),
    )
    ledger = LedgerRepository(session)
    ledger.add(obstacle)
    await ledger.flush()
    return obstacle


async def update(
    uow: UnitOfWork, scope: Scope, obstacle_id: uuid.UUID, if_match: str | None, command: ObstacleUpdate
) -> Obstacle:
    session, clock = uow.session, uow.clock
    obstacle, project, _ = await visible_obstacle(uow, scope, obstacle_id, for_update=True)
    _owner_writes(scope, project)
    require_if_match(if_match, obstacle.revision)
    changes = command.model_dump(exclude_unset=True)
    if "status" in changes and obstacle.status == "escalated" and changes["status"] != "resolved":
        raise ObstacleState("An escalated obstacle can only be resolved.", extra={"allowed": ["resolved"]})
    if "responsible_unit_id" in changes:
        await _responsible_unit_exists(session, changes["responsible_unit_id"])
    for name, value in changes.items():
        setattr(obstacle, name, value)
    if changes.get("status") == "resolved":
        obstacle.resolved_on = business_today(clock)
    obstacle.revision += 1
    obstacle.updated_at = clock.now()
    await LedgerRepository(session).flush()
    return obstacle


async def add_action(
    uow: UnitOfWork, scope: Scope, obstacle_id: uuid.UUID, command: ActionCreate
) -> Obstacle:
    """The project's unit and the unit named to help record what they did (推进措施)."""
    session, clock = uow.session, uow.clock
    obstacle, _, facts = await visible_obstacle(uow, scope, obstacle_id, for_update=True)
    ensure_may_write(scope, facts, field="obstacle_id")
    ledger = LedgerRepository(session)
    ledger.add(
        ObstacleAction(
            id=uuid.uuid4(),
            obstacle_id=obstacle.id,
            taken_on=command.taken_on,
            description=command.description,
            actor_id=scope.principal.user_id,
            recorded_at=clock.now(),
        )
    )
    if obstacle.status == "open":
        obstacle.status = "in-progress"
    obstacle.revision += 1
    obstacle.updated_at = clock.now()
    await ledger.flush()
    return obstacle


async def escalate(
    uow: UnitOfWork, scope: Scope, obstacle_id: uuid.UUID, command: EscalateRequest
) -> Obstacle:
    """Hand the obstacle to the joint meeting; `obstacle-escalated` carries what a topic needs."""
    session, outbox, clock = uow.session, uow.outbox, uow.clock
    obstacle, project, _ = await visible_obstacle(uow, scope, obstacle_id, for_update=True)
    _owner_writes(scope, project)
    if obstacle.status not in OPEN:
        raise ObstacleState(f"The obstacle is {obstacle.status}.", extra={"allowed": list(OPEN)})
    if command.proposed_solution is not None:
        obstacle.proposed_solution = command.proposed_solution
    obstacle.status, obstacle.escalated_at = "escalated", clock.now()
    obstacle.revision += 1
    obstacle.updated_at = clock.now()
    await LedgerRepository(session).flush()
    await outbox.publish(
        session,
        ObstacleEscalated(
            obstacle_id=obstacle.id,
            project_id=project.id,
            project_name=project.name,
            unit_id=project.unit_id,
            category=obstacle.category,
            description=obstacle.description,
            proposed_solution=obstacle.proposed_solution,
            responsible_unit_id=obstacle.responsible_unit_id,
        ),
        key=str(project.id),
    )
    return obstacle


async def close_by_resolution(
    uow: UnitOfWork,
    resolution: ResolutionRef,
    obstacle_ids: Sequence[uuid.UUID],
    closed_on: date,
    outcome: FeedbackStatus | None,
) -> int:
    """The joint meeting closed the resolution that took these obstacles up (议定事项办结).

    Carried out (`done`): each still open obstacle is resolved on that day. Closed as `cannot-complete`: the
    obstacle is not cleared, so it goes back to its unit in progress, with an action recording the outcome, and
    may be escalated again. Idempotent: a resolved obstacle, one already marked by this resolution, or an id this
    ledger lacks is left as it is, so a redelivered event changes nothing. Returns how many changed."""
    ledger = LedgerRepository(uow.session)
    changed = 0
    for obstacle_id in obstacle_ids:
        obstacle = await ledger.get(obstacle_id, for_update=True)
        if obstacle is None or obstacle.status == "resolved":
            continue
        if outcome == "cannot-complete":
            if not await _mark_unresolved(uow, ledger, obstacle, resolution, closed_on):
                continue
        else:
            obstacle.status, obstacle.resolved_on = "resolved", closed_on
            obstacle.closed_by_resolution_id = resolution.id
        obstacle.revision += 1
        obstacle.updated_at = uow.clock.now()
        changed += 1
    await ledger.flush()
    return changed


async def _mark_unresolved(
    uow: UnitOfWork, ledger: LedgerRepository, obstacle: Obstacle, resolution: ResolutionRef, on: date
) -> bool:
    """Record that the resolution closed without clearing the obstacle; False if it was recorded already."""
    if await ledger.has_resolution_action(obstacle.id, resolution.id):
        return False
    ledger.add(
        ObstacleAction(
            id=uuid.uuid4(),
            obstacle_id=obstacle.id,
            taken_on=on,
            description=(
                f"联席会议议定事项第{resolution.number}号办结，结论为无法完成，问题未解决。 "
                f"The joint meeting closed resolution {resolution.number} as cannot be completed; "
                "the obstacle is not cleared."
            ),
            actor_id=None,
            resolution_id=resolution.id,
            recorded_at=uow.clock.now(),
        )
    )
    obstacle.status = "in-progress"
    return True
