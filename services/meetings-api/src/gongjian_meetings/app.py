"""meetings-api: the bi-monthly coordination joint meeting (双月协调联席会议) workflow."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI
from gongjian_shared.bus.consumer import Subscription
from gongjian_shared.clock import Clock
from gongjian_shared.service import ServiceContext, ServiceSpec, build_service_app

from gongjian_meetings.members.handlers import HANDLERS as MEMBER_HANDLERS
from gongjian_meetings.members.router import router as members_router
from gongjian_meetings.models import BUS, SCHEMA, Base
from gongjian_meetings.settings import MeetingsSettings

SERVICE_NAME = "meetings-api"
MIGRATIONS = Path(__file__).parent / "migrations"
PUBLIC_PREFIXES = ("/api/v1/meetings",)


def subscriptions(_: ServiceContext) -> Sequence[Subscription]:
    return [Subscription(group_id=f"{SERVICE_NAME}.members", handlers=MEMBER_HANDLERS)]


SPEC = ServiceSpec(
    name=SERVICE_NAME,
    schema=SCHEMA,
    title="Gongjian meetings-api (联席会议)",
    description="Meeting bodies, meetings, topics, agendas, resolutions and their follow-up.",
    metadata=Base.metadata,
    tables=BUS,
    public_prefixes=PUBLIC_PREFIXES,
    routers=(members_router,),
    subscriptions=subscriptions,
)


def create_app(settings: MeetingsSettings | None = None, clock: Clock | None = None) -> FastAPI:
    return build_service_app(SPEC, settings or MeetingsSettings(), clock)
