"""Who may see and set the directory's units and people, on the shared policy (`gongjian_shared.access`).

- A unit's channels and robots are the unit's own settings: seen by the office, the unit's own people and the
  unit admins of the unit or a unit above it (`Access.ADMINISTER`); set by the office, the unit's liaison and
  those unit admins.
- A person's channels are seen and set by the office and by the accounts linked to that contact (projects-api's
  account links); the other people who may see the person's unit get 403.
- Anything else answers 404, as a missing id does, so ids cannot be probed.

The unit tree comes from the notifier's own `unit_replica`, cached per running service and dropped after each
`unit-updated` commit; other replicas (which do not see that event: one consumer group) reload it after
60 s at most (`gongjian_shared.replica.ReplicaUnitTreeCache`).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from gongjian_shared.access import Access, Facts, Scope
from gongjian_shared.auth import Role


def _administers(scope: Scope, unit_id: uuid.UUID) -> bool:
    return scope.allows(Access.ADMINISTER, Facts(unit_id=unit_id))


def may_see_unit(scope: Scope, unit_id: uuid.UUID) -> bool:
    return scope.everything or scope.principal.unit_id == unit_id or _administers(scope, unit_id)


def may_manage_unit(scope: Scope, unit_id: uuid.UUID) -> bool:
    """The unit's channels and robots: the office, a liaison of the unit, a unit admin of it or above it."""
    principal = scope.principal
    own_liaison = principal.unit_id == unit_id and principal.has(Role.LIAISON)
    return scope.everything or own_liaison or _administers(scope, unit_id)


def may_see_person(
    scope: Scope, person_id: uuid.UUID, unit_id: uuid.UUID, linked: Collection[uuid.UUID]
) -> bool:
    return person_id in linked or may_see_unit(scope, unit_id)


def may_manage_person(scope: Scope, person_id: uuid.UUID, linked: Collection[uuid.UUID]) -> bool:
    """A person's own channels: the office, or an account linked to that contact."""
    return scope.everything or person_id in linked
