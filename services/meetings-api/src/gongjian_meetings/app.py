"""meetings-api: the bi-monthly coordination joint meeting (双月协调联席会议) workflow."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from fastapi import FastAPI

from gongjian_meetings.agendas.router import router as agendas_router
from gongjian_meetings.bodies import handlers as bodies_handlers
from gongjian_meetings.bodies.router import router as bodies_router
from gongjian_meetings.deadlines.jobs import scheduler_jobs
from gongjian_meetings.deadlines.metrics import deadline_samplers
from gongjian_meetings.evidence import jobs as evidence_jobs
from gongjian_meetings.evidence.router import router as evidence_router
from gongjian_meetings.meetings.router import router as meetings_router
from gongjian_meetings.meetings.router import series_router
from gongjian_meetings.members.router import router as members_router
from gongjian_meetings.models import BUS, SCHEMA, UNIT_REPLICA, Base
from gongjian_meetings.projects import handlers as projects_handlers
from gongjian_meetings.records.router import router as records_router
from gongjian_meetings.resolutions.router import meeting_resolutions
from gongjian_meetings.resolutions.router import router as resolutions_router
from gongjian_meetings.settings import MeetingsSettings
from gongjian_meetings.topics import handlers as topics_handlers
from gongjian_meetings.topics.router import meeting_topics
from gongjian_meetings.topics.router import router as topics_router
from gongjian_shared.bus.consumer import Handlers, Remember
from gongjian_shared.clock import Clock
from gongjian_shared.events.envelope import EventPayload
from gongjian_shared.events.projects import (
    ObstacleEscalated,
    ProjectBehindSchedule,
    ProjectRegistered,
    ProjectUpdated,
    UnitUpdated,
)
from gongjian_shared.replica import forgetting_unit_tree
from gongjian_shared.service import ServiceContext, ServiceSpec, build_service_app

SERVICE_NAME = "meetings-api"
MIGRATIONS = Path(__file__).parent / "migrations"
PUBLIC_PREFIXES = ("/api/v1/meetings", "/api/v1/meeting-bodies", "/api/v1/topics", "/api/v1/resolutions")


# The service's event handlers, by consumer group (`meetings-api.<group>`) and payload class.
EVENT_HANDLERS: dict[str, Handlers] = {
    # the group of the unit replica keeps its old name, so its position in the log is kept
    "members": {UnitUpdated: bodies_handlers.on_unit_updated},
    "topics": {
        ObstacleEscalated: topics_handlers.on_obstacle_escalated,
        ProjectBehindSchedule: topics_handlers.on_project_behind_schedule,
    },
    "projects": {
        ProjectRegistered: projects_handlers.on_project_changed,
        ProjectUpdated: projects_handlers.on_project_changed,
    },
}


def remembers(context: ServiceContext) -> dict[str, dict[type[EventPayload], Remember]]:
    """Units change the tree the access policy reads: the cached one is dropped once the change commits."""
    return {"members": forgetting_unit_tree(context, UNIT_REPLICA)}


# The jobs come from the typed settings, so `create_app` adds them (`scheduler_jobs(settings.scheduler)`).
SPEC = ServiceSpec(
    name=SERVICE_NAME,
    schema=SCHEMA,
    title="Gongjian meetings-api (联席会议)",
    description="Meeting bodies, meetings, topics, agendas, resolutions and their follow-up.",
    metadata=Base.metadata,
    tables=BUS,
    public_prefixes=PUBLIC_PREFIXES,
    routers=(
        members_router,
        bodies_router,
        series_router,
        meetings_router,
        meeting_topics,
        topics_router,
        agendas_router,
        records_router,
        meeting_resolutions,
        resolutions_router,
        evidence_router,
    ),
    event_handlers=EVENT_HANDLERS,
    remembers=remembers,
    samplers=deadline_samplers,
)


def create_app(settings: MeetingsSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or MeetingsSettings()
    scheduled = scheduler_jobs(settings.scheduler)
    spec = replace(SPEC, background=lambda context: (*scheduled(context), *evidence_jobs.jobs(context)))
    return build_service_app(spec, settings, clock)
