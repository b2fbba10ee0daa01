"""Exporting and importing facts documents (考核事实的导出与导入).

An import is scored at once and kept with its sheet; a document that cannot be scored is refused whole,
naming each unit and field, and nothing is stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from gongjian_scoring.engine.compute import compute
from gongjian_scoring.engine.errors import FactsError
from gongjian_scoring.engine.facts import FactsDocument, parse_facts
from gongjian_scoring.engine.sheet import ScoreSheet
from gongjian_scoring.facts.documents import collect, document_as_of, facts_document
from gongjian_scoring.facts.errors import FactsImportNotFound, facts_problem
from gongjian_scoring.facts.repository import FactsImportRepository
from gongjian_scoring.facts.schemas import FactsImportOut
from gongjian_scoring.models import FactsImport, StoredRuleSet
from gongjian_scoring.rule_sets.errors import RuleSetNotFound
from gongjian_scoring.rule_sets.service import get_stored, loaded, unit_rule_set
from gongjian_scoring.scores.repository import SnapshotRepository, SnapshotRow
from gongjian_shared.auth import Principal
from gongjian_shared.clock import business_today
from gongjian_shared.errors import NotFound, field_error
from gongjian_shared.uow import UnitOfWork


async def export_unit(uow: UnitOfWork, unit_id: uuid.UUID, year: int, as_of: date | None) -> FactsDocument:
    session, today = uow.session, business_today(uow.clock)
    stored = await unit_rule_set(uow, unit_id, year)
    rule_set = loaded(stored)
    units = await collect(session, rule_set, [unit_id])
    scored = await SnapshotRepository(session).latest(stored.id, [unit_id])
    return facts_document(rule_set, units, document_as_of(units, as_of, _latest_date(scored.values()), today))


async def export_rule_set(uow: UnitOfWork, rule_set_id: str, as_of: date | None) -> FactsDocument:
    session, today = uow.session, business_today(uow.clock)
    stored = await get_stored(uow, rule_set_id)
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
    """Score a facts document with the rule set named (by the query, else by the document) and keep both."""
    try:
        document = parse_facts(raw)
    except FactsError as error:
        raise facts_problem(error) from None
    stored = await _named_rule_set(uow, rule_set_id or document.rule_set, version, in_query=bool(rule_set_id))
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
        imported_at=uow.clock.now(),
    )
    repository = FactsImportRepository(uow.session)
    repository.add(row)
    await repository.flush()
    return row


async def _named_rule_set(
    uow: UnitOfWork, rule_set_id: str, version: int | None, *, in_query: bool
) -> StoredRuleSet:
    """The rule set an import names; 404 naming where it was named (the query or the document)."""
    try:
        return await get_stored(uow, rule_set_id, version)
    except RuleSetNotFound:
        raise NotFound(
            "The rule set named does not exist.",
            errors=[
                field_error(
                    "rule_set" if in_query else "body.rule_set",
                    "unknown_rule_set",
                    f"no rule set {rule_set_id}" + (f" v{version}" if version else ""),
                    "评分表不存在",
                )
            ],
        ) from None


async def get_import(uow: UnitOfWork, import_id: uuid.UUID) -> FactsImport:
    row = await FactsImportRepository(uow.session).get(import_id)
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
