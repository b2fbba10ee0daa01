"""notifier: reminders to member units' liaisons (提醒通知)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from gongjian_notifier.delivery.jobs import delivery_background
from gongjian_notifier.directory import handlers as directory_handlers
from gongjian_notifier.directory.router import router as directory_router
from gongjian_notifier.inbox.router import router as inbox_router
from gongjian_notifier.models import BUS, SCHEMA, UNIT_REPLICA, Base
from gongjian_notifier.notifications.handlers import NOTIFICATION_HANDLERS
from gongjian_notifier.notifications.router import router as notifications_router
from gongjian_notifier.runtime import notifier_unit_of_work
from gongjian_notifier.settings import NotifierSettings
from gongjian_shared.bus.consumer import Handlers, Remember
from gongjian_shared.clock import Clock
from gongjian_shared.events.accounts import AccountCreated, AccountDisabled, AccountUpdated
from gongjian_shared.events.envelope import EventPayload
from gongjian_shared.events.projects import UnitUpdated
from gongjian_shared.replica import forgetting_unit_tree
from gongjian_shared.service import ServiceContext, ServiceSpec, build_service_app

SERVICE_NAME = "notifier"
MIGRATIONS = Path(__file__).parent / "migrations"
PUBLIC_PREFIXES = ("/api/v1/notifications", "/api/v1/inbox", "/api/v1/notification-preferences")


# The service's event handlers, by consumer group (`notifier.<group>`) and payload class.
EVENT_HANDLERS: dict[str, Handlers] = {
    "directory": {
        UnitUpdated: directory_handlers.on_unit_updated,
        AccountCreated: directory_handlers.on_account_event,
        AccountUpdated: directory_handlers.on_account_event,
        AccountDisabled: directory_handlers.on_account_event,
    },
    "notifications": NOTIFICATION_HANDLERS,
}


def remembers(context: ServiceContext) -> dict[str, dict[type[EventPayload], Remember]]:
    """Units change the tree the access policy reads: the cached one is dropped once the change commits."""
    return {"directory": forgetting_unit_tree(context, UNIT_REPLICA)}


def background(context: ServiceContext) -> Sequence[Callable[[], Coroutine[Any, Any, None]]]:
    """The delivery job (`delivery/jobs.py`)."""
    return [delivery_background(context)]


SPEC = ServiceSpec(
    name=SERVICE_NAME,
    schema=SCHEMA,
    title="Gongjian notifier (提醒通知)",
    description="The directory of people and channels, notifications and their delivery.",
    metadata=Base.metadata,
    tables=BUS,
    public_prefixes=PUBLIC_PREFIXES,
    routers=(directory_router, inbox_router, notifications_router),
    event_handlers=EVENT_HANDLERS,
    remembers=remembers,
    background=background,
    unit_of_work=notifier_unit_of_work,
)


def create_app(settings: NotifierSettings | None = None, clock: Clock | None = None) -> FastAPI:
    return build_service_app(SPEC, settings or NotifierSettings(), clock)
