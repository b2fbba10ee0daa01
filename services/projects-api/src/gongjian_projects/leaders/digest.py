"""The leaders' monthly digest (包抓项目月报): once a month per leader, their projects' status and figures.

The digest of a month goes out from the digest day of the next month (the setting `leader_digest_day`, the
10th by default: the units report by the 5th). Each
leader's digest is a row stamped in the transaction of its `leader-monthly-digest` event, so it is sent once
per leader and month whatever runs the job, however often.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from gongjian_projects.leaders.repository import LeaderRepository
from gongjian_projects.models import Leader
from gongjian_shared.clock import business_today
from gongjian_shared.events.projects import DigestProject, LeaderMonthlyDigest
from gongjian_shared.uow import UnitOfWork


def digest_month(today: date, digest_day: int) -> tuple[int, int] | None:
    """The month whose digest is due on `today` (the previous month, from `digest_day` on), else None."""
    if today.day < digest_day:
        return None
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


async def send_digest(uow: UnitOfWork, leader: Leader, year: int, month: int) -> bool:
    """One leader's digest of one month; False when it was sent before."""
    leaders = LeaderRepository(uow.session)
    projects = [
        DigestProject(
            project_id=project.id,
            name=project.name,
            unit_id=project.unit_id,
            status=project.status,
            planned_investment_10k=project.planned_investment_10k,
            month_completed_10k=completed,
            cumulative_10k=cumulative,
            report_status=report_status,
            warning_colour=colour,
        )
        for project, completed, cumulative, report_status, colour in await leaders.digest_rows(
            leader.id, year, month
        )
    ]
    if not await leaders.stamp_digest(leader.id, year, month, len(projects), uow.clock.now()):
        return False
    digest = LeaderMonthlyDigest(
        leader_id=leader.id, leader_name=leader.name, year=year, month=month, projects=tuple(projects)
    )
    await uow.outbox.publish(uow.session, digest, key=str(leader.id))
    return True


async def due_leaders(uow: UnitOfWork, digest_day: int) -> tuple[tuple[int, int] | None, Sequence[Leader]]:
    """The month whose digests are due today and the leaders still waiting for theirs."""
    month = digest_month(business_today(uow.clock), digest_day)
    if month is None:
        return None, []
    return month, await LeaderRepository(uow.session).undigested(*month)
