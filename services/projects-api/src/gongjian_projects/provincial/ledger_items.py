"""A difference beyond the tolerance opens an item in the project's push ledger (攻坚台帐), through the ledger's
own service: the unit sees it with its obstacles, records what it did, and the office follows it up."""

from __future__ import annotations

import uuid

from gongjian_projects.access import Scope
from gongjian_projects.ledger import service as ledger
from gongjian_projects.ledger.schemas import ObstacleCreate
from gongjian_projects.models import Project, ProvincialBatch
from gongjian_projects.provincial.reconciliation import Verdict
from gongjian_shared.uow import UnitOfWork

CORRECT_ON_ZH = {"province": "省平台", "registry": "本平台月度填报"}


def description(batch: ProvincialBatch, verdict: Verdict) -> str:
    where = CORRECT_ON_ZH.get(verdict.correct_on or "", "")
    return (
        f"省平台对账：{batch.year}年{batch.month}月本项目省平台数据与本平台填报不一致，"
        f"本月完成投资相差 {verdict.completed_difference_10k} 万元，"
        f"累计完成投资相差 {verdict.cumulative_difference_10k} 万元（省平台减本平台）。"
        f"请责任单位核实，并在{where}更正。"
    )


async def open_for_difference(
    uow: UnitOfWork, scope: Scope, batch: ProvincialBatch, entry: Project, verdict: Verdict
) -> uuid.UUID:
    obstacle = await ledger.create(
        uow,
        scope,
        ObstacleCreate(
            project_id=entry.id,
            category="other",
            description=description(batch, verdict),
            proposed_solution="核对两边数据，由填报有误的一方更正（谁提供、谁负责）",
        ),
    )
    return obstacle.id
