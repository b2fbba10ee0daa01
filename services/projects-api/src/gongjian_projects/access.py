"""How projects-api applies the shared access policy (`gongjian_shared.access`) to its objects.

The decisions are the shared policy's; here are the facts of a project or an obstacle and the problems a
refusal turns into: an object the caller may not read answers 404 by the caller (as a missing id would); an
object it may read but not change answers 403 (`ensure_may_write`, `ensure_may_review`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from gongjian_projects.models import Obstacle, Project
from gongjian_shared.access import Access, Facts, Scope
from gongjian_shared.errors import Forbidden, field_error

if TYPE_CHECKING:
    from gongjian_projects.projects.repository import ProjectRecord

__all__ = ["Scope", "ensure_may_review", "ensure_may_write", "obstacle_facts", "project_facts"]


def project_facts(project: Project | ProjectRecord, leader_ids: Iterable[uuid.UUID] = ()) -> Facts:
    return Facts(unit_id=project.unit_id, leader_ids=frozenset(leader_ids), industry=project.industry)


def obstacle_facts(obstacle: Obstacle, project: Project, leader_ids: Iterable[uuid.UUID] = ()) -> Facts:
    """An obstacle is the project's, and its responsible unit (责任单位) is the unit named to help clear it."""
    helping = frozenset({obstacle.responsible_unit_id}) if obstacle.responsible_unit_id else frozenset()
    return Facts(
        unit_id=project.unit_id,
        leader_ids=frozenset(leader_ids),
        industry=project.industry,
        helping_unit_ids=helping,
    )


def ensure_may_write(scope: Scope, unit_id: uuid.UUID | Facts, field: str = "unit_id") -> None:
    facts = unit_id if isinstance(unit_id, Facts) else Facts(unit_id=unit_id)
    if not scope.allows(Access.WRITE, facts):
        raise Forbidden(
            "You may only write projects of your own unit.",
            errors=[field_error(field, "own-unit", "Not your unit", "只能操作本单位的项目")],
        )


def ensure_may_review(scope: Scope, unit_id: uuid.UUID, field: str = "report_id") -> None:
    if not scope.allows(Access.REVIEW, Facts(unit_id=unit_id)):
        raise Forbidden(
            "Only the reviewer of the report's county or department reviews it.",
            errors=[field_error(field, "reviewer", "Not your unit's reviewer", "不是本单位审核人")],
        )
