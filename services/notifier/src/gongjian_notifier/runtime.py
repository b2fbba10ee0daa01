"""What one running notifier holds beside the shared context: templates, channels, the delivery worker."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_notifier.channels.base import ChannelRegistry
from gongjian_notifier.channels.registry import build_channels
from gongjian_notifier.delivery.worker import DeliveryWorker
from gongjian_notifier.notifications.rendering import Renderer
from gongjian_notifier.notifications.service import NotificationService
from gongjian_notifier.settings import NotifierSettings
from gongjian_shared.service import ServiceContext
from gongjian_shared.uow import UnitOfWork

RUNTIME_KEY = "notifier"


@dataclass
class NotifierRuntime:
    context: ServiceContext
    settings: NotifierSettings
    renderer: Renderer
    channels: ChannelRegistry
    worker: DeliveryWorker

    def notifications(self, session: AsyncSession) -> NotificationService:
        return NotificationService(
            session, self.settings, self.context.clock, self.renderer, self.channels.enabled
        )

    def notifications_in(self, uow: UnitOfWork) -> NotificationService:
        """The notification service working in a request's unit of work."""
        return NotificationService(
            uow.session, self.settings, uow.clock, self.renderer, self.channels.enabled
        )

    async def run_worker(self) -> None:
        try:
            await self.worker.run()
        finally:
            await self.channels.close()

    async def hold_channels(self) -> None:
        """Without a worker here the channels still need closing when the service stops."""
        try:
            await asyncio.Event().wait()
        finally:
            await self.channels.close()


@dataclass(frozen=True)
class NotifierUnitOfWork(UnitOfWork):
    """The notifier's unit of work: the shared one, plus the running notifier's templates and channels."""

    notifier: NotifierRuntime


def notifier_unit_of_work(context: ServiceContext, session: AsyncSession) -> NotifierUnitOfWork:
    return NotifierUnitOfWork(session, context.outbox, context.clock, notifier_runtime(context))


def notifier_settings(context: ServiceContext) -> NotifierSettings:
    settings = context.settings
    if not isinstance(settings, NotifierSettings):
        raise TypeError(f"the notifier runs with NotifierSettings, not {type(settings).__name__}")
    return settings


def notifier_runtime(context: ServiceContext) -> NotifierRuntime:
    """Built once per running service (the lifespan builds the context), then shared."""
    existing = context.extras.get(RUNTIME_KEY)
    if isinstance(existing, NotifierRuntime):
        return existing
    settings = notifier_settings(context)
    renderer = Renderer(settings.templates_dir, settings.frontend_base_url)
    channels = build_channels(settings, context.clock)
    worker = DeliveryWorker(context.sessionmaker, settings, context.clock, channels, renderer)
    runtime = NotifierRuntime(context, settings, renderer, channels, worker)
    context.extras[RUNTIME_KEY] = runtime
    return runtime
