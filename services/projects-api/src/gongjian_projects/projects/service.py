"""The project registry (项目库)."""

from __future__ import annotations

import uuid

from gongjian_shared.auth import Principal
from gongjian_shared.errors import Forbidden, field_error
from gongjian_shared.events.projects import ProjectRegistered
from gongjian_shared.outbox import Outbox
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_projects.models import Project
from gongjian_projects.projects.errors import ProjectCodeTaken, ProjectNotFound
from gongjian_projects.projects.repository import ProjectRepository
from gongjian_projects.projects.schemas import ProjectCreate, ProjectOut
from gongjian_projects.units.errors import UnitNotFound
from gongjian_projects.units.repository import UnitRepository


def ensure_may_write_unit(principal: Principal, unit_id: uuid.UUID) -> None:
    if not principal.is_office and principal.unit_id != unit_id:
        raise Forbidden(
            "You may only write projects of your own unit.",
            errors=[field_error("unit_id", "own-unit", "Not your unit", "只能操作本单位的项目")],
        )


def ensure_may_read(principal: Principal, project: Project) -> None:
    if not principal.is_office and principal.unit_id != project.unit_id:
        raise ProjectNotFound(f"No project {project.id}.")


def to_out(project: Project) -> ProjectOut:
    return ProjectOut.model_validate(project, from_attributes=True)


async def register_project(
    session: AsyncSession, outbox: Outbox, principal: Principal, command: ProjectCreate
) -> Project:
    ensure_may_write_unit(principal, command.unit_id)
    if await UnitRepository(session).get(command.unit_id) is None:
        raise UnitNotFound(errors=[field_error("unit_id", "exists", "No such unit", "单位不存在")])
    projects = ProjectRepository(session)
    if command.code and await projects.by_code(command.code) is not None:
        raise ProjectCodeTaken(
            errors=[field_error("code", "unique", "Code already registered", "统一项目代码已登记")]
        )
    project = Project(id=uuid.uuid4(), status="planned", revision=1, **command.model_dump())
    projects.add(project)
    await projects.flush()
    await outbox.publish(
        session,
        ProjectRegistered(
            project_id=project.id,
            unit_id=project.unit_id,
            year=project.year,
            kind=command.kind,
            name=project.name,
            code=project.code,
            plan_category=command.plan_category,
            total_investment_10k=project.total_investment_10k,
            planned_investment_10k=project.planned_investment_10k,
            planned_start=project.planned_start,
            planned_completion=project.planned_completion,
        ),
        key=str(project.id),
    )
    return project
