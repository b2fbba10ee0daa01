"""What one running notifier holds beside the shared context (settings, templates, channels), and the
notifier's unit of work, which carries them into every service function."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_notifier.channels.base import ChannelRegistry
from gongjian_notifier.channels.registry import build_channels
from gongjian_notifier.notifications.rendering import Renderer
from gongjian_notifier.settings import NotifierSettings
from gongjian_shared.service import ServiceContext
from gongjian_shared.uow import UnitOfWork

RUNTIME_KEY = "notifier"


@dataclass(frozen=True)
class NotifierRuntime:
    """Built once per running notifier: its settings, its templates and the channels it sends on."""

    settings: NotifierSettings
    renderer: Renderer
    channels: ChannelRegistry
    # set once a transaction that wrote deliveries commits: this replica's delivery worker wakes at once
    # instead of at its next poll (other replicas find them on their poll)
    deliveries_written: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(frozen=True)
class NotifierUnitOfWork(UnitOfWork):
    """The notifier's unit of work: the shared one, plus the running notifier's templates and channels."""

    notifier: NotifierRuntime


def notifier_unit_of_work(context: ServiceContext, session: AsyncSession) -> NotifierUnitOfWork:
    return NotifierUnitOfWork(session, context.outbox, context.clock, notifier_runtime(context))


def _notifier_settings(context: ServiceContext) -> NotifierSettings:
    settings = context.settings
    if not isinstance(settings, NotifierSettings):
        raise TypeError(f"the notifier runs with NotifierSettings, not {type(settings).__name__}")
    return settings


def notifier_runtime(context: ServiceContext) -> NotifierRuntime:
    """Built once per running service (the lifespan builds the context), then shared."""
    existing = context.extras.get(RUNTIME_KEY)
    if isinstance(existing, NotifierRuntime):
        return existing
    settings = _notifier_settings(context)
    renderer = Renderer(settings.templates_dir, settings.frontend_base_url)
    runtime = NotifierRuntime(settings, renderer, build_channels(settings, context.clock))
    context.extras[RUNTIME_KEY] = runtime
    return runtime
