"""Exporting and importing facts documents (考核事实的导出与导入).

An import is scored at once and kept with its sheet; a document that cannot be scored is refused whole,
naming each unit and field, and nothing is stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_scoring.assessment.engine import compute
from gongjian_scoring.assessment.errors import FactsError
from gongjian_scoring.assessment.facts import FactsDocument, parse_facts
from gongjian_scoring.assessment.sheet import ScoreSheet
from gongjian_scoring.facts.documents import collect, document_as_of, facts_document
from gongjian_scoring.facts.errors import FactsImportNotFound, UnitNotScored, facts_problem
from gongjian_scoring.facts.repository import FactsImportRepository, FactsQueries
from gongjian_scoring.facts.schemas import FactsImportOut
from gongjian_scoring.models import FactsImport
from gongjian_scoring.rule_sets.errors import RuleSetNotFound
from gongjian_scoring.rule_sets.service import active_rule_set, get_stored, loaded, rule_set_kind
from gongjian_scoring.scores.repository import SnapshotRepository, SnapshotRow
from gongjian_shared.auth import Principal
from gongjian_shared.clock import business_today
from gongjian_shared.errors import NotFound, field_error
from gongjian_shared.uow import UnitOfWork


async def export_unit(uow: UnitOfWork, unit_id: uuid.UUID, year: int, as_of: date | None) -> FactsDocument:
    session, today = uow.session, business_today(uow.clock)
    unit = await FactsQueries(session).unit(unit_id)
    kind = rule_set_kind(unit[1]) if unit else None
    if kind is None:
        raise UnitNotScored(f"No assessment scores unit {unit_id}.")
    stored = await active_rule_set(session, year, kind)
    if stored is None:
        raise RuleSetNotFound(f"No rule set scores {kind} units in {year}.")
    rule_set = loaded(stored)
    units = await collect(session, rule_set, [unit_id])
    scored = await SnapshotRepository(session).latest(stored.id, [unit_id])
    return facts_document(rule_set, units, document_as_of(units, as_of, _latest_date(scored.values()), today))


async def export_rule_set(uow: UnitOfWork, rule_set_id: str, as_of: date | None) -> FactsDocument:
    session, today = uow.session, business_today(uow.clock)
    stored = await get_stored(session, rule_set_id)
    rule_set = loaded(stored)
    units = await collect(session, rule_set)
    scored = await SnapshotRepository(session).latest(stored.id)
    return facts_document(rule_set, units, document_as_of(units, as_of, _latest_date(scored.values()), today))


def _latest_date(snapshots: Iterable[SnapshotRow]) -> date | None:
    return max((s.as_of for s in snapshots), default=None)


async def import_facts(
    uow: UnitOfWork,
    principal: Principal,
    raw: bytes,
    as_of: date | None,
    rule_set_id: str | None,
    version: int | None,
) -> FactsImport:
    session, now = uow.session, uow.clock.now()
    try:
        document = parse_facts(raw)
    except FactsError as error:
        raise facts_problem(error) from None
    wanted = rule_set_id or document.rule_set
    try:
        stored = await get_stored(session, wanted, version)
    except RuleSetNotFound:
        where = "rule_set" if rule_set_id else "body.rule_set"
        raise NotFound(
            "The rule set named does not exist.",
            errors=[
                field_error(
                    where,
                    "unknown_rule_set",
                    f"no rule set {wanted}" + (f" v{version}" if version else ""),
                    "评分表不存在",
                )
            ],
        ) from None
    try:
        sheet = compute(loaded(stored), document, as_of)
    except FactsError as error:
        raise facts_problem(error, against_rule_set=True) from None
    row = FactsImport(
        id=uuid.uuid4(),
        rule_set_id=stored.id,
        rule_set_version=stored.version,
        year=document.year,
        as_of=sheet.as_of,
        document=document.model_dump(mode="json"),
        sheet=sheet.model_dump(mode="json"),
        imported_by=principal.username,
        imported_at=now,
    )
    repository = FactsImportRepository(session)
    repository.add(row)
    await repository.flush()
    return row


async def get_import(session: AsyncSession, import_id: uuid.UUID) -> FactsImport:
    row = await FactsImportRepository(session).get(import_id)
    if row is None:
        raise FactsImportNotFound(f"No facts import {import_id}.")
    return row


def import_out(row: FactsImport) -> FactsImportOut:
    return FactsImportOut(
        id=row.id,
        rule_set_id=row.rule_set_id,
        rule_set_version=row.rule_set_version,
        year=row.year,
        as_of=row.as_of,
        imported_by=row.imported_by,
        imported_at=row.imported_at,
        sheet=ScoreSheet.model_validate(row.sheet),
    )
