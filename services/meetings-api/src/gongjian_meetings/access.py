"""Who may see and run which joint meetings, on the shared policy (`gongjian_shared.access`).

- A city meeting is seen by every signed-in person; a county's or zone's meeting only by the units of that
  county (its unit and the units under it), the office and conveners. Anything else answers 404, as a missing
  id would, so ids cannot be probed.
- A body's meetings are run (`Access.ADMINISTER`: topics review, agenda, record, resolutions) by the office,
  and a county's or zone's also by a `unit-admin` of that county.
- A unit writes its own topics and the feedback on resolutions it is responsible for.

The unit tree comes from this service's own `unit_replica`, cached per process and dropped after each
`unit-updated` commit; other replicas of the service (which do not see that event: one consumer group) reload
it after 60 s at most (`gongjian_shared.replica.ReplicaUnitTreeCache`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from gongjian_meetings.models import MeetingBody
from gongjian_shared.access import Access, Facts, Scope
from gongjian_shared.auth import Role
from gongjian_shared.errors import Forbidden


class NotTheMeetingOffice(Forbidden):
    slug = "not-the-meeting-office"
    title = "Only the office running this meeting body may do this"
    title_zh = "只有本联席会议办公室可以办理此事项"


def facts(
    body: MeetingBody | None, *, unit_id: uuid.UUID | None = None, helping: Iterable[uuid.UUID] = ()
) -> Facts:
    """An object of a meeting body (None: the city's, e.g. a draft topic not yet on a meeting): `unit_id` the
    unit it belongs to (a topic's submitting unit), `helping` the units named on it (a resolution's)."""
    return Facts(
        unit_id=unit_id,
        helping_unit_ids=frozenset(helping),
        meeting=True,
        meeting_unit_id=body.unit_id if body is not None else None,
    )


def sees(scope: Scope, body: MeetingBody | None, **kwargs: Any) -> bool:
    return scope.allows(Access.READ, facts(body, **kwargs))


def writes(scope: Scope, body: MeetingBody | None, **kwargs: Any) -> bool:
    return scope.allows(Access.WRITE, facts(body, **kwargs))


def runs(scope: Scope, body: MeetingBody | None) -> bool:
    return scope.allows(Access.ADMINISTER, facts(body))


def ensure_runs(scope: Scope, body: MeetingBody | None) -> None:
    if not runs(scope, body):
        name = body.name if body is not None else "the city joint meeting"
        raise NotTheMeetingOffice(f"{scope.principal.username} does not run the meetings of {name}.")


def reads_all(scope: Scope) -> bool:
    """The office, conveners and service accounts see every body's meetings."""
    return scope.everything or scope.read_all


@dataclass(frozen=True)
class BodyFilter:
    """The bodies a caller sees, for list queries: the city body (`city`) and those of `unit_ids`."""

    city: bool
    unit_ids: frozenset[uuid.UUID]
    run_unit_ids: frozenset[uuid.UUID]


def body_filter(scope: Scope) -> BodyFilter | None:
    """None: every body. Mirrors `sees` for a body (a unit sees its own county's body and those above)."""
    if reads_all(scope):
        return None
    principal = scope.principal
    own = principal.unit_id
    person = bool(principal.roles) and principal.kind != "service"
    above = frozenset({own, *scope.tree.ancestors(own)}) if own is not None else frozenset()
    run = scope.tree.subtree(own) if own is not None and principal.has(Role.UNIT_ADMIN) else frozenset()
    return BodyFilter(city=person, unit_ids=(above | run) if person else frozenset(), run_unit_ids=run)
