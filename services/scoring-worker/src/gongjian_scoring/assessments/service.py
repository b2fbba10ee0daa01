"""Publishing an assessment (发布考核结果): the standings scored from one facts document, frozen.

The facts document is kept with the sheet, so anyone can recompute the published score offline; and the
rule set version it used becomes immutable.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from gongjian_scoring.assessments.errors import AssessmentNotFound
from gongjian_scoring.assessments.repository import AssessmentRepository
from gongjian_scoring.engine.compute import compute
from gongjian_scoring.engine.rules import RuleSet
from gongjian_scoring.facts.documents import collect, document_as_of, facts_document
from gongjian_scoring.facts.schemas import json_numbers
from gongjian_scoring.models import PublishedAssessment
from gongjian_scoring.rule_sets.service import get_stored, loaded
from gongjian_scoring.scores import service as scores
from gongjian_scoring.scores.repository import SnapshotRepository
from gongjian_shared.auth import Principal
from gongjian_shared.clock import business_today
from gongjian_shared.errors import InvalidInput, field_error
from gongjian_shared.uow import UnitOfWork


async def publish(
    uow: UnitOfWork, principal: Principal, rule_set_id: str, as_of: date | None
) -> PublishedAssessment:
    session, now, today = uow.session, uow.clock.now(), business_today(uow.clock)
    stored = await get_stored(uow, rule_set_id)
    rule_set = loaded(stored)
    _check_in_assessment_year(rule_set, as_of)
    units = await collect(session, rule_set)
    latest = await SnapshotRepository(session).latest(stored.id)
    scored_as_of = max((s.as_of for s in latest.values()), default=None)
    day = document_as_of(units, as_of, scored_as_of, today)
    document = facts_document(rule_set, units, day)
    sheet = compute(rule_set, document)
    # the live scores move to the published date too, so the trend and the publication agree
    await scores.recompute(uow, rule_set_id=stored.id, as_of=day)
    row = PublishedAssessment(
        id=uuid.uuid4(),
        rule_set_id=stored.id,
        rule_set_version=stored.version,
        year=rule_set.year,
        unit_kind=rule_set.unit_kind,
        as_of=sheet.as_of,
        provisional=sheet.provisional,
        sheet=sheet.model_dump(mode="json"),
        facts=json_numbers(document.model_dump()),
        published_by=principal.username,
        published_at=now,
    )
    repository = AssessmentRepository(session)
    repository.add(row)
    await repository.flush()
    return row


def _check_in_assessment_year(rule_set: RuleSet, as_of: date | None) -> None:
    """Standings are dated within or after their assessment year, never before it."""
    if as_of is not None and as_of < date(rule_set.year, 1, 1):
        raise InvalidInput(
            f"The rule set is for {rule_set.year}; its standings cannot be dated before that year.",
            errors=[
                field_error(
                    "as_of",
                    "in-assessment-year",
                    f"must be on or after {rule_set.year}-01-01",
                    f"不得早于考核年度 {rule_set.year} 年 1 月 1 日",
                )
            ],
        )


async def get(uow: UnitOfWork, assessment_id: uuid.UUID) -> PublishedAssessment:
    row = await AssessmentRepository(uow.session).get(assessment_id)
    if row is None:
        raise AssessmentNotFound(f"No published assessment {assessment_id}.")
    return row


async def list_published(uow: UnitOfWork, year: int | None) -> Sequence[PublishedAssessment]:
    """The published assessments, newest first."""
    return await AssessmentRepository(uow.session).list(year)
