"""The sweep of evidence blobs left without a row (an upload whose process died before its commit)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_meetings.evidence.repository import EvidenceRepository
from gongjian_meetings.settings import MeetingsSettings
from gongjian_shared.evidence.service import sweep, sweep_jobs
from gongjian_shared.jobs import PeriodicJob
from gongjian_shared.service import ServiceContext


async def known_keys(session: AsyncSession, keys: Collection[str]) -> set[str]:
    return await EvidenceRepository(session).known_keys(keys)


async def sweep_orphans(context: ServiceContext) -> int:
    return await sweep(context, known_keys)


def jobs(context: ServiceContext) -> tuple[PeriodicJob, ...]:
    settings = context.settings
    enabled = settings.scheduler.enabled if isinstance(settings, MeetingsSettings) else False
    return sweep_jobs(context, known_keys, enabled=enabled)
