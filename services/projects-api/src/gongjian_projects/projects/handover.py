"""The attraction handover (招商项目转重点项目): once started or coded, the attraction project becomes,
or is linked to, a key project; its unified code moves with it."""

from __future__ import annotations

import uuid

from gongjian_projects.access import Scope, ensure_may_write
from gongjian_projects.models import Project
from gongjian_projects.projects.errors import HandoverConflict
from gongjian_projects.projects.repository import ProjectRepository
from gongjian_projects.projects.schemas import HandoverRequest, Location, ProjectCreate
from gongjian_projects.projects.service import project_updated, register_project, visible_project
from gongjian_shared.errors import RuleViolation, field_error
from gongjian_shared.uow import UnitOfWork


async def hand_over(
    uow: UnitOfWork, scope: Scope, project_id: uuid.UUID, command: HandoverRequest
) -> Project:
    """Returns the key project."""
    session, outbox, clock = uow.session, uow.outbox, uow.clock
    attraction = await visible_project(session, scope, project_id, for_update=True)
    ensure_may_write(scope, attraction.unit_id)
    if attraction.kind != "attraction":
        raise RuleViolation(
            errors=[
                field_error(
                    "project_id",
                    "attraction-only",
                    "Only attraction projects are handed over",
                    "仅招商引资项目可转为重点项目",
                )
            ]
        )
    if attraction.handed_over_to_id is not None:
        raise HandoverConflict(f"Already handed over to {attraction.handed_over_to_id}.")
    if attraction.attraction_stage != "started" and attraction.code is None:
        raise RuleViolation(
            errors=[
                field_error(
                    "attraction.stage",
                    "started-or-coded",
                    "Hand over once the project has started or has a unified project code",
                    "项目开工或取得统一项目代码后方可转为重点项目",
                )
            ]
        )
    projects = ProjectRepository(session)
    if command.key_project_id is not None:
        key = await visible_project(session, scope, command.key_project_id, for_update=True)
        if key.kind != "key":
            raise RuleViolation(
                errors=[field_error("key_project_id", "key-project", "Not a key project", "不是重点项目")]
            )
    else:
        code, legacy = attraction.code, attraction.legacy_code
        attraction.code, attraction.legacy_code = None, None
        await projects.flush()
        key = await register_project(
            uow,
            scope,
            ProjectCreate(
                year=command.year or attraction.year,
                kind="key",
                name=attraction.name,
                code=code,
                legacy_code=legacy,
                unit_id=attraction.unit_id,
                responsible_person=attraction.responsible_person,
                industry=attraction.industry,
                location=Location(
                    admin_code=attraction.location_admin_code,
                    address=attraction.address,
                    latitude=attraction.latitude,
                    longitude=attraction.longitude,
                ),
                plan_category="new-start",
                total_investment_10k=attraction.total_investment_10k,
                planned_investment_10k=command.planned_investment_10k,
                planned_start=attraction.planned_start,
                planned_completion=attraction.planned_completion,
                construction_content=attraction.construction_content,
            ),
        )
    attraction.handed_over_to_id = key.id
    attraction.revision += 1
    attraction.updated_at = clock.now()
    await projects.flush()
    await outbox.publish(session, project_updated(attraction), key=str(attraction.id))
    return key
