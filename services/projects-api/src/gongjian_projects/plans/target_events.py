"""`annual-targets-set`: the year's Annex 2 targets (附件2 任务分解表) as an event, so the assessment, which
keeps its own data, follows them (A16, A17)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_projects.plans.repository import PlanRepository
from gongjian_shared.events.projects import AnnualTargetsSet, UnitTargets
from gongjian_shared.outbox import Outbox


async def publish_targets(session: AsyncSession, outbox: Outbox, year: int) -> None:
    """Publish every unit's targets for the year as they are now stored (after a flush), replacing the year's."""
    rows = await PlanRepository(session).targets(year)
    event = AnnualTargetsSet(
        year=year,
        targets=tuple(
            UnitTargets(
                unit_id=target.unit_id,
                key_projects=target.key_projects,
                key_projects_new_start=target.key_projects_new_start,
                planned_investment_10k=target.planned_investment_10k,
                prephase_projects=target.prephase_projects,
                planned_projects=target.planned_projects,
            )
            for target, _ in sorted(rows, key=lambda pair: str(pair[0].unit_id))
        ),
    )
    await outbox.publish(session, event, key=f"targets:{year}")
