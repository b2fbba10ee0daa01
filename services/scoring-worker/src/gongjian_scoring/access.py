"""Who sees a unit's own scoring objects (its facts, judgements, score sheet, trend and completed investment),
on the shared policy (`gongjian_shared.access`): whoever may read the unit (the office, the unit's own people,
reviewers and unit admins above it, conveners). Another unit's answers 404, exactly as an unknown unit does, so
unit ids cannot be probed. Published standings (and the facts they were computed from, so a unit can check its
published rank offline) are every signed-in person's; live (unpublished) standings and live ranks the office's.

The unit tree comes from scoring-worker's own `unit_replica`, cached per running service and dropped after each
`unit-updated` commit; other replicas (which do not see that event: one consumer group) reload it after
60 s at most (`gongjian_shared.replica.ReplicaUnitTreeCache`).
"""

from __future__ import annotations

import uuid

from gongjian_shared.access import Access, Facts, Scope
from gongjian_shared.errors import NotFound


class UnitNotFound(NotFound):
    slug = "unit-not-found"
    title = "Unit not found"
    title_zh = "单位不存在"


def ensure_unit_visible(scope: Scope, unit_id: uuid.UUID) -> None:
    """404 for a unit the caller may not read (not 403: a unit cannot learn which ids exist)."""
    if not scope.allows(Access.READ, Facts(unit_id=unit_id)):
        raise UnitNotFound(f"No unit {unit_id} among the units you may see.")


def sees_live_standings(scope: Scope) -> bool:
    """Live (unpublished) standings and ranks: the office only."""
    return scope.everything
