"""notifier: reminders to member units' liaisons (提醒通知)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI
from gongjian_shared.bus.consumer import Subscription
from gongjian_shared.clock import Clock
from gongjian_shared.service import ServiceContext, ServiceSpec, build_service_app

from gongjian_notifier.directory.handlers import HANDLERS as DIRECTORY_HANDLERS
from gongjian_notifier.models import BUS, SCHEMA, Base
from gongjian_notifier.settings import NotifierSettings

SERVICE_NAME = "notifier"
MIGRATIONS = Path(__file__).parent / "migrations"
PUBLIC_PREFIXES = ("/api/v1/notifications",)


def subscriptions(_: ServiceContext) -> Sequence[Subscription]:
    return [Subscription(group_id=f"{SERVICE_NAME}.directory", handlers=DIRECTORY_HANDLERS)]


SPEC = ServiceSpec(
    name=SERVICE_NAME,
    schema=SCHEMA,
    title="Gongjian notifier (提醒通知)",
    description="The directory of people and channels, notifications and their delivery.",
    metadata=Base.metadata,
    tables=BUS,
    public_prefixes=PUBLIC_PREFIXES,
    routers=(),
    subscriptions=subscriptions,
)


def create_app(settings: NotifierSettings | None = None, clock: Clock | None = None) -> FastAPI:
    return build_service_app(SPEC, settings or NotifierSettings(), clock)
