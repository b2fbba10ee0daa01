"""notifier: reminders to member units' liaisons (提醒通知)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from gongjian_notifier.directory.handlers import HANDLERS as DIRECTORY_HANDLERS
from gongjian_notifier.directory.router import router as directory_router
from gongjian_notifier.inbox.router import router as inbox_router
from gongjian_notifier.models import BUS, SCHEMA, UNIT_REPLICA, Base
from gongjian_notifier.notifications.handlers import handlers as notification_handlers
from gongjian_notifier.notifications.router import router as notifications_router
from gongjian_notifier.runtime import notifier_runtime
from gongjian_notifier.settings import NotifierSettings
from gongjian_shared.bus.consumer import Subscription
from gongjian_shared.clock import Clock
from gongjian_shared.events.projects import UnitUpdated
from gongjian_shared.replica import invalidating, replica_unit_tree
from gongjian_shared.service import ServiceContext, ServiceSpec, build_service_app

SERVICE_NAME = "notifier"
MIGRATIONS = Path(__file__).parent / "migrations"
PUBLIC_PREFIXES = ("/api/v1/notifications", "/api/v1/inbox", "/api/v1/notification-preferences")


def subscriptions(context: ServiceContext) -> Sequence[Subscription]:
    tree = replica_unit_tree(context, UNIT_REPLICA)
    directory = {
        event_type: invalidating(handler, tree) if event_type == UnitUpdated.event_type else handler
        for event_type, handler in DIRECTORY_HANDLERS.items()
    }
    return [
        Subscription(group_id=f"{SERVICE_NAME}.directory", handlers=directory),
        Subscription(group_id=f"{SERVICE_NAME}.notifications", handlers=notification_handlers(context)),
    ]


def background(context: ServiceContext) -> Sequence[Callable[[], Coroutine[Any, Any, None]]]:
    """The delivery worker, unless the settings leave it to other replicas (or to a test)."""
    runtime = notifier_runtime(context)
    return [runtime.run_worker if runtime.settings.delivery.run_worker else runtime.hold_channels]


SPEC = ServiceSpec(
    name=SERVICE_NAME,
    schema=SCHEMA,
    title="Gongjian notifier (提醒通知)",
    description="The directory of people and channels, notifications and their delivery.",
    metadata=Base.metadata,
    tables=BUS,
    public_prefixes=PUBLIC_PREFIXES,
    routers=(directory_router, inbox_router, notifications_router),
    subscriptions=subscriptions,
    background=background,
)


def create_app(settings: NotifierSettings | None = None, clock: Clock | None = None) -> FastAPI:
    return build_service_app(SPEC, settings or NotifierSettings(), clock)
