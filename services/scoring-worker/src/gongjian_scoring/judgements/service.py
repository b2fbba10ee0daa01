"""Recording and withdrawing the office's judgements (考核认定), with evidence, actor and time."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from gongjian_scoring.facts.errors import UnitNotScored
from gongjian_scoring.facts.repository import FactsQueries
from gongjian_scoring.facts.service import business_date
from gongjian_scoring.judgements.errors import JudgementNotFound, JudgementRejected, JudgementWithdrawn
from gongjian_scoring.judgements.repository import JudgementRepository
from gongjian_scoring.judgements.schemas import JudgementBase, JudgementOut
from gongjian_scoring.models import Judgement
from gongjian_scoring.rule_sets.service import rule_set_kind
from gongjian_scoring.scores import service as scores
from gongjian_shared.auth import Principal
from gongjian_shared.errors import field_error
from gongjian_shared.pagination import Paging
from gongjian_shared.uow import UnitOfWork


async def record(
    uow: UnitOfWork, principal: Principal, unit_id: uuid.UUID, command: JudgementBase
) -> Judgement:
    """Record a judgement and rescore the unit in the same transaction."""
    session, now = uow.session, uow.clock.now()
    unit = await FactsQueries(session).unit(unit_id)
    if unit is None or rule_set_kind(unit[1]) is None:
        raise UnitNotScored(f"No assessment scores unit {unit_id}.")
    _check_not_in_future(command, now)
    judgement = Judgement(
        id=uuid.uuid4(),
        unit_id=unit_id,
        year=command.year,
        kind=command.kind,
        details=command.details(),
        evidence=command.evidence,
        recorded_by=principal.username,
        recorded_by_id=principal.user_id,
        recorded_at=now,
    )
    repository = JudgementRepository(session)
    repository.add(judgement)
    await repository.flush()
    await scores.rescore(uow, unit_id, judgement.year)
    return judgement


def _check_not_in_future(command: JudgementBase, now: datetime) -> None:
    """A judgement records what happened: its date is not after today (Asia/Shanghai)."""
    if command.day() > business_date(now):
        raise JudgementRejected(
            errors=[
                field_error(
                    f"body.{command.date_field}",
                    "not-in-future",
                    f"{command.date_field} {command.day().isoformat()} is in the future",
                    "日期不能晚于今天",
                )
            ]
        )


async def withdraw(uow: UnitOfWork, principal: Principal, judgement_id: uuid.UUID, reason: str) -> Judgement:
    """Withdraw a judgement (it stays on record) and rescore the unit in the same transaction."""
    session, now = uow.session, uow.clock.now()
    judgement = await JudgementRepository(session).get(judgement_id, for_update=True)
    if judgement is None:
        raise JudgementNotFound(f"No judgement {judgement_id}.")
    if judgement.withdrawn_at is not None:
        raise JudgementWithdrawn(
            f"The judgement was withdrawn at {judgement.withdrawn_at.isoformat()} by {judgement.withdrawn_by}.",
            errors=[field_error("judgement_id", "not-withdrawn", "already withdrawn", "已撤销")],
        )
    judgement.withdrawn_at, judgement.withdrawn_by, judgement.withdrawal_reason = (
        now,
        principal.username,
        reason,
    )
    await JudgementRepository(session).flush()
    await scores.rescore(uow, judgement.unit_id, judgement.year)
    return judgement


async def of_unit(
    uow: UnitOfWork, unit_id: uuid.UUID, year: int | None, *, include_withdrawn: bool, paging: Paging
) -> tuple[Sequence[Judgement], int]:
    """One page of a unit's judgements, oldest first, and how many match."""
    return await JudgementRepository(uow.session).of_unit(
        unit_id, year, include_withdrawn=include_withdrawn, paging=paging
    )


def to_out(judgement: Judgement) -> JudgementOut:
    return JudgementOut.model_validate(judgement, from_attributes=True)
