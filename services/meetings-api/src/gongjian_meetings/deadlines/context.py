"""What a firing needs, loaded once per batch: subjects locked without waiting, bodies, members, the office."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from gongjian_meetings.bodies.repository import BodyRepository
from gongjian_meetings.bodies.service import members, office_of
from gongjian_meetings.deadlines.repository import DueDeadline
from gongjian_meetings.meetings.repository import MeetingRepository
from gongjian_meetings.meetings.service import meeting_ref
from gongjian_meetings.members.repository import ReplicaRepository, ReplicaRow
from gongjian_meetings.models import Feedback, Meeting, MeetingBody, Resolution
from gongjian_meetings.resolutions.repository import ResolutionRepository
from gongjian_shared.clock import SHANGHAI
from gongjian_shared.events.meetings import MeetingRef
from gongjian_shared.events.projects import UnitOwing
from gongjian_shared.uow import UnitOfWork

EMITTED = "emitted"


class Defer(Exception):
    """The row's subject is held by a request or another scheduler: leave the row for the next poll."""


@dataclass
class FireContext:
    """One batch's transaction (`uow`, writing to a batch outbox), the time it fires at, and what it loaded."""

    uow: UnitOfWork
    now: datetime
    meetings: dict[uuid.UUID, Meeting] = field(default_factory=dict)
    resolutions: dict[uuid.UUID, Resolution] = field(default_factory=dict)
    bodies: dict[uuid.UUID, MeetingBody] = field(default_factory=dict)
    feedback: dict[uuid.UUID, list[Feedback]] = field(default_factory=dict)
    units: dict[uuid.UUID, ReplicaRow] = field(default_factory=dict)
    _members: dict[uuid.UUID, Sequence[ReplicaRow]] = field(default_factory=dict)
    _office: dict[uuid.UUID, UnitOwing | None] = field(default_factory=dict)

    @property
    def today(self) -> date:
        return self.now.astimezone(SHANGHAI).date()

    async def prefetch(self, rows: Sequence[DueDeadline], resolution_kinds: frozenset[str]) -> None:
        """Lock the batch's meetings and resolutions, skipping (never waiting for) those already held."""
        resolution_ids = {row.subject_id for row in rows if row.kind in resolution_kinds}
        meeting_ids = {row.meeting_id for row in rows if row.kind not in resolution_kinds}
        session = self.uow.session
        meetings = MeetingRepository(session)
        if meeting_ids:
            self.meetings = await meetings.many(meeting_ids, lock_skipping=True)
        if resolution_ids:
            repository = ResolutionRepository(session)
            self.resolutions = await repository.many(resolution_ids, lock_skipping=True)
            self.feedback = await repository.feedback(self.resolutions)
            responsible = {
                u for r in self.resolutions.values() for u in (r.lead_unit_id, *r.supporting_unit_ids)
            }
            self.units = {row["unit_id"]: row for row in await ReplicaRepository(session).many(responsible)}
            read_only = {r.meeting_id for r in self.resolutions.values()} - set(self.meetings)
            if read_only:
                self.meetings |= await meetings.many(read_only)
        self.bodies = await BodyRepository(session).many(list({m.body_id for m in self.meetings.values()}))

    def meeting(self, meeting_id: uuid.UUID) -> Meeting:
        try:
            return self.meetings[meeting_id]
        except KeyError:
            raise Defer(f"meeting {meeting_id} is busy") from None

    def resolution(self, resolution_id: uuid.UUID) -> Resolution:
        try:
            return self.resolutions[resolution_id]
        except KeyError:
            raise Defer(f"resolution {resolution_id} is busy") from None

    def body(self, meeting: Meeting) -> MeetingBody:
        return self.bodies[meeting.body_id]

    def ref(self, meeting: Meeting) -> MeetingRef:
        return meeting_ref(meeting, self.body(meeting))

    async def members(self, body: MeetingBody) -> Sequence[ReplicaRow]:
        if body.id not in self._members:
            self._members[body.id] = await members(self.uow, body)
        return self._members[body.id]

    async def office(self, body: MeetingBody) -> UnitOwing | None:
        if body.id not in self._office:
            self._office[body.id] = await office_of(self.uow, body)
        return self._office[body.id]


Firer = Callable[[FireContext, DueDeadline], Awaitable[str]]
