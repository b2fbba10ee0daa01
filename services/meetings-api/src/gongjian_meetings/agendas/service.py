"""Agenda review and circulation (议程审定与印发): office submits by D-7, convener decides, circulated at D-3."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from gongjian_meetings.access import reads_all, runs
from gongjian_meetings.agendas.errors import AgendaNotCirculated, NotTheConvener
from gongjian_meetings.agendas.repository import AgendaRepository
from gongjian_meetings.agendas.schemas import AgendaItem, AgendaOut, ProjectFigures
from gongjian_meetings.audit.service import Subject, publish_and_record, record
from gongjian_meetings.bodies.service import members, office_of
from gongjian_meetings.deadlines.service import windows_of
from gongjian_meetings.meetings.rules import schedule
from gongjian_meetings.meetings.service import load, meeting_ref, move
from gongjian_meetings.members.repository import ReplicaRepository
from gongjian_meetings.members.service import owing
from gongjian_meetings.models import Agenda, Meeting, MeetingBody, Topic
from gongjian_meetings.topics.repository import SuggestionRepository, TopicRepository
from gongjian_meetings.topics.schemas import CATEGORY_ZH
from gongjian_shared.access import Scope
from gongjian_shared.auth import Principal, Role
from gongjian_shared.events.meetings import AgendaApproved, AgendaCirculated, AgendaReturned
from gongjian_shared.uow import UnitOfWork

CIRCULATED_STATES = ("circulated", "held", "minutes_published", "closed")


def agenda_path(meeting_id: uuid.UUID) -> str:
    return f"/api/v1/meetings/{meeting_id}/agenda"


def document_path(meeting_id: uuid.UUID) -> str:
    return f"/api/v1/meetings/{meeting_id}/agenda.docx"


def ensure_convener(principal: Principal, body: MeetingBody) -> None:
    named = body.convener_user_id is None or body.convener_user_id == principal.user_id
    if not (principal.has(Role.CONVENER) and named):
        raise NotTheConvener(f"{principal.username} is not the convener of {body.name}.")


async def _agenda_topics(uow: UnitOfWork, meeting: Meeting, agenda: Agenda | None) -> Sequence[Topic]:
    """A submitted agenda is a snapshot; while drafting it is the meeting's live list of topics."""
    if agenda is not None and agenda.status in ("submitted", "approved", "circulated"):
        return await TopicRepository(uow.session).many(agenda.topic_ids)
    return await TopicRepository(uow.session).for_meeting(meeting.id, statuses=("submitted",))


async def _items(uow: UnitOfWork, topics: Sequence[Topic]) -> list[AgendaItem]:
    """The agenda's items in order, each topic with the latest figures known of its projects."""
    figures = await SuggestionRepository(uow.session).latest_for_projects(
        {p for t in topics for p in t.project_ids}
    )
    return [
        AgendaItem(
            position=index,
            topic_id=topic.id,
            unit_id=topic.unit_id,
            unit_name=topic.unit_name,
            category=topic.category,
            category_zh=CATEGORY_ZH.get(topic.category, topic.category),
            title=topic.title,
            description=topic.description,
            proposed_solution=topic.proposed_solution,
            project_ids=list(topic.project_ids),
            late=topic.late,
            figures=[
                ProjectFigures.model_validate(figures[p], from_attributes=True)
                for p in topic.project_ids
                if p in figures
            ],
        )
        for index, topic in enumerate(topics, start=1)
    ]


async def view(uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID) -> AgendaOut:
    """The office running the meeting and conveners always; the units that see the meeting once circulated."""
    meeting, body = await load(uow, scope, meeting_id)
    if not (runs(scope, body) or reads_all(scope)) and meeting.state not in CIRCULATED_STATES:
        raise AgendaNotCirculated(f"The meeting is {meeting.state}.")
    agenda = await AgendaRepository(uow.session).get(meeting.id)
    items = await _items(uow, await _agenda_topics(uow, meeting, agenda))
    return AgendaOut(
        meeting_id=meeting.id,
        body_name=body.name,
        title=meeting.title,
        held_on=meeting.held_on,
        location=meeting.location,
        meeting_state=meeting.state,
        version=agenda.version if agenda else 0,
        status=agenda.status if agenda else "draft",
        office_notes=agenda.office_notes if agenda else None,
        comments=agenda.comments if agenda else None,
        submitted_at=agenda.submitted_at if agenda else None,
        decided_at=agenda.decided_at if agenda else None,
        circulated_at=agenda.circulated_at if agenda else None,
        items=items,
    )


async def submit(
    uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID, office_notes: str | None
) -> tuple[Meeting, MeetingBody]:
    session, clock, principal = uow.session, uow.clock, scope.principal
    meeting, body = await load(uow, scope, meeting_id, for_update=True, run=True)
    now = clock.now()
    move(meeting, "awaiting_approval", "submit the agenda", now)
    agenda = await AgendaRepository(session).get_or_add(meeting.id)
    topics = await TopicRepository(session).for_meeting(meeting.id, statuses=("submitted",))
    agenda.topic_ids = [topic.id for topic in topics]
    agenda.version += 1
    agenda.status, agenda.office_notes, agenda.comments = "submitted", office_notes, None
    agenda.submitted_by, agenda.submitted_at = principal.user_id, now
    record(
        uow,
        principal,
        "agenda-submitted",
        Subject.agenda(meeting),
        {"version": agenda.version, "topics": len(topics)},
    )
    return meeting, body


async def approve(uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID) -> tuple[Meeting, MeetingBody]:
    """The convener approves; at or after the circulation time (D-3), whose row has found nothing approved to
    circulate, the agenda is circulated in the same transaction, as the row would have done."""
    session, clock, principal = uow.session, uow.clock, scope.principal
    meeting, body = await load(uow, scope, meeting_id, for_update=True)
    ensure_convener(principal, body)
    now = clock.now()
    move(meeting, "approved", "approve the agenda", now)
    agenda = await AgendaRepository(session).get_or_add(meeting.id)
    agenda.status, agenda.decided_by, agenda.decided_at = "approved", principal.user_id, now
    await publish_and_record(
        uow,
        AgendaApproved(
            meeting=meeting_ref(meeting, body),
            agenda_version=agenda.version,
            topic_ids=tuple(agenda.topic_ids),
            approved_by=principal.user_id,
            office=await office_of(uow, body),
        ),
        principal,
        "agenda-approved",
        Subject.agenda(meeting),
        {"version": agenda.version},
    )
    if now >= schedule(meeting.held_on, windows_of(meeting), body.reminder_hour).circulation_at:
        await circulate(uow, principal, meeting, body, trigger="approved-after-circulation-time")
    return meeting, body


async def return_agenda(
    uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID, comments: str
) -> tuple[Meeting, MeetingBody]:
    session, clock, principal = uow.session, uow.clock, scope.principal
    meeting, body = await load(uow, scope, meeting_id, for_update=True)
    ensure_convener(principal, body)
    now = clock.now()
    move(meeting, "drafting_agenda", "return the agenda", now)
    agenda = await AgendaRepository(session).get_or_add(meeting.id)
    agenda.status, agenda.comments, agenda.decided_by, agenda.decided_at = (
        "returned",
        comments,
        principal.user_id,
        now,
    )
    await publish_and_record(
        uow,
        AgendaReturned(
            meeting=meeting_ref(meeting, body),
            agenda_version=agenda.version,
            comments=comments,
            returned_by=principal.user_id,
            office=await office_of(uow, body),
        ),
        principal,
        "agenda-returned",
        Subject.agenda(meeting),
        {"version": agenda.version, "comments": comments},
    )
    return meeting, body


async def circulate(
    uow: UnitOfWork, actor: Principal | None, meeting: Meeting, body: MeetingBody, trigger: str | None = None
) -> None:
    """To every member unit and every unit whose topic is on the agenda (the departments concerned)."""
    session, clock = uow.session, uow.clock
    now = clock.now()
    move(meeting, "circulated", "circulate the agenda", now)
    agenda = await AgendaRepository(session).get_or_add(meeting.id)
    agenda.status, agenda.circulated_at = "circulated", now
    topics = await TopicRepository(session).many(agenda.topic_ids)
    recipients = list(await members(uow, body))
    known = {row["unit_id"] for row in recipients}
    recipients += await ReplicaRepository(session).many(t.unit_id for t in topics if t.unit_id not in known)
    await publish_and_record(
        uow,
        AgendaCirculated(
            meeting=meeting_ref(meeting, body),
            agenda_version=agenda.version,
            topic_ids=tuple(agenda.topic_ids),
            agenda_path=agenda_path(meeting.id),
            document_path=document_path(meeting.id),
            units=tuple(owing(row) for row in recipients),
        ),
        actor,
        "agenda-circulated",
        Subject.agenda(meeting),
        {"version": agenda.version, "units": len(recipients)} | ({"trigger": trigger} if trigger else {}),
    )


async def circulate_now(uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID) -> tuple[Meeting, MeetingBody]:
    meeting, body = await load(uow, scope, meeting_id, for_update=True, run=True)
    await circulate(uow, scope.principal, meeting, body)
    return meeting, body
