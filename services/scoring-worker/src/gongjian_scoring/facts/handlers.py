"""Events that build the facts read model."""

from __future__ import annotations

from gongjian_shared.events.envelope import EventEnvelope
from gongjian_shared.events.projects import ProgressReported
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_scoring.facts.repository import InvestmentRepository


async def on_progress_reported(session: AsyncSession, envelope: EventEnvelope) -> None:
    event = ProgressReported.model_validate(envelope.payload)
    await InvestmentRepository(session).record(
        project_id=event.project_id,
        unit_id=event.unit_id,
        year=event.year,
        month=event.month,
        year_to_date_10k=event.year_to_date_10k,
        cumulative_10k=event.cumulative_10k,
    )


HANDLERS = {ProgressReported.event_type: on_progress_reported}
