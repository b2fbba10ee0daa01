"""The attraction handover (招商项目转重点项目): once started or coded, the attraction project becomes,
or is linked to, a key project; its unified code moves with it."""

from __future__ import annotations

import uuid

from gongjian_projects.access import Scope, ensure_may_write
from gongjian_projects.models import Project
from gongjian_projects.projects.errors import HandoverConflict
from gongjian_projects.projects.repository import ProjectRepository
from gongjian_projects.projects.schemas import HandoverRequest, Location, ProjectCreate
from gongjian_projects.projects.service import (
    publish_project_changed,
    register_project,
    release_codes,
    visible_project,
)
from gongjian_shared.errors import RuleViolation, field_error
from gongjian_shared.uow import UnitOfWork


def _ensure_may_hand_over(attraction: Project) -> None:
    """An attraction project not handed over yet, started or with a unified code."""
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


async def _existing_key_project(uow: UnitOfWork, scope: Scope, key_project_id: uuid.UUID) -> Project:
    key = await visible_project(uow, scope, key_project_id, for_update=True)
    if key.kind != "key":
        raise RuleViolation(
            errors=[field_error("key_project_id", "key-project", "Not a key project", "不是重点项目")]
        )
    return key


async def _register_key_project(
    uow: UnitOfWork, scope: Scope, attraction: Project, command: HandoverRequest
) -> Project:
    """A new key project from the attraction's data; the unified code moves over to it."""
    code, legacy = attraction.code, attraction.legacy_code
    await release_codes(uow, attraction)
    return await register_project(
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


async def hand_over(
    uow: UnitOfWork, scope: Scope, project_id: uuid.UUID, command: HandoverRequest
) -> Project:
    """Returns the key project."""
    attraction = await visible_project(uow, scope, project_id, for_update=True)
    ensure_may_write(scope, attraction.unit_id)
    _ensure_may_hand_over(attraction)
    if command.key_project_id is not None:
        key = await _existing_key_project(uow, scope, command.key_project_id)
    else:
        key = await _register_key_project(uow, scope, attraction, command)
    attraction.handed_over_to_id = key.id
    attraction.revision += 1
    attraction.updated_at = uow.clock.now()
    await ProjectRepository(uow.session).flush()
    await publish_project_changed(uow, attraction)
    return key
