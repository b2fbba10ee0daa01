"""A project across the years (项目库): one plan entry with the project's entries of the other years."""

from __future__ import annotations

import uuid

from gongjian_projects.access import Scope, project_facts
from gongjian_projects.projects.codes import SHAPE_MESSAGE, SHAPE_MESSAGE_ZH, parse_code
from gongjian_projects.projects.errors import ProjectNotFound
from gongjian_projects.projects.repository import ProjectRepository
from gongjian_projects.projects.schemas import PlanEntryRef, ProjectDetail
from gongjian_projects.projects.service import leader_ids_of, out_fields
from gongjian_shared.errors import RuleViolation, field_error
from gongjian_shared.uow import UnitOfWork


async def project_detail(uow: UnitOfWork, scope: Scope, project_id: uuid.UUID) -> ProjectDetail:
    """The entry, with the project's entries of the other years the caller may read; 404 when there is no
    such entry or the caller may not read it (as `service.visible_project`). One statement reads them all."""
    entries = await ProjectRepository(uow.session).entries_with(project_id)
    readable = [entry for entry in entries if scope.may_read(project_facts(entry, leader_ids_of(entry)))]
    project = next((entry for entry in readable if entry.id == project_id), None)
    if project is None:
        raise ProjectNotFound(f"No project {project_id}.")
    others = [
        PlanEntryRef(
            project_id=entry.id,
            year=entry.year,
            kind=entry.kind,
            plan_category=entry.plan_category,
            status=entry.status,
        )
        for entry in readable
        if entry is not project
    ]
    return ProjectDetail(**out_fields(project), other_years=others)


async def project_by_code(uow: UnitOfWork, scope: Scope, code: str, year: int | None) -> ProjectDetail:
    """The entry carrying a unified code (current or pre-2020), of `year` or the latest year, as its detail;
    404 as for the detail when the caller may not read it."""
    if parse_code(code) is None:
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
    project = await ProjectRepository(uow.session).by_code(code, year)
    if project is None:
        raise ProjectNotFound(f"No project with code {code}" + (f" in {year}." if year else "."))
    return await project_detail(uow, scope, project.id)
