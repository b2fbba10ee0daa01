from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, func, select, update

from gongjian_scoring.models import PublishedAssessment, StoredRuleSet
from gongjian_shared.repository import Repository


@dataclass(frozen=True)
class RuleSetRef:
    """Which version of a rule set, and which revision of it: enough to find its parsed form in a cache."""

    id: str
    version: int
    revision: int
    updated_at: datetime
    year: int
    unit_kind: str


REF_COLUMNS = (
    StoredRuleSet.id,
    StoredRuleSet.version,
    StoredRuleSet.revision,
    StoredRuleSet.updated_at,
    StoredRuleSet.year,
    StoredRuleSet.unit_kind,
)


# Built once: rescoring one unit after each event reads these.
REF = (
    select(*REF_COLUMNS)
    .where(StoredRuleSet.id == bindparam("rule_set_id"))
    .order_by(StoredRuleSet.version.desc())
    .limit(1)
)
REF_FOR = (
    select(*REF_COLUMNS)
    .where(StoredRuleSet.year == bindparam("year"), StoredRuleSet.unit_kind == bindparam("unit_kind"))
    .order_by(StoredRuleSet.version.desc())
    .limit(1)
)


# The advisory lock on which rule sets exist (`RuleSetRepository.hold_the_list`, `share_the_list`).
LIST_KEY = func.hashtext("scoring.rule_sets")


class RuleSetRepository(Repository):
    async def get(self, rule_set_id: str, version: int | None = None) -> StoredRuleSet | None:
        """A version of a rule set, or its latest version."""
        query = select(StoredRuleSet).where(StoredRuleSet.id == rule_set_id)
        if version is not None:
            query = query.where(StoredRuleSet.version == version)
        query = query.order_by(StoredRuleSet.version.desc()).limit(1)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def ref(self, rule_set_id: str) -> RuleSetRef | None:
        """The latest version of a rule set, without its body."""
        row = (await self._session.execute(REF, {"rule_set_id": rule_set_id})).first()
        return RuleSetRef(*row) if row else None

    async def ref_for(self, year: int, unit_kind: str) -> RuleSetRef | None:
        row = (await self._session.execute(REF_FOR, {"year": year, "unit_kind": unit_kind})).first()
        return RuleSetRef(*row) if row else None

    async def body(self, rule_set_id: str, version: int) -> dict[str, Any]:
        query = select(StoredRuleSet.body).where(
            StoredRuleSet.id == rule_set_id, StoredRuleSet.version == version
        )
        body: dict[str, Any] = (await self._session.execute(query)).scalar_one()
        return body

    async def latest_for(self, year: int, unit_kind: str) -> StoredRuleSet | None:
        query = (
            select(StoredRuleSet)
            .where(StoredRuleSet.year == year, StoredRuleSet.unit_kind == unit_kind)
            .order_by(StoredRuleSet.version.desc())
            .limit(1)
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def latest_versions(self, year: int | None = None) -> Sequence[StoredRuleSet]:
        """The latest version of every rule set, by year and id."""
        newest = (
            select(StoredRuleSet.id, func.max(StoredRuleSet.version).label("version"))
            .group_by(StoredRuleSet.id)
            .subquery()
        )
        query = select(StoredRuleSet).join(
            newest, (StoredRuleSet.id == newest.c.id) & (StoredRuleSet.version == newest.c.version)
        )
        if year is not None:
            query = query.where(StoredRuleSet.year == year)
        query = query.order_by(StoredRuleSet.year.desc(), StoredRuleSet.id)
        return (await self._session.execute(query)).scalars().all()

    async def published_versions(self, rule_set_ids: Sequence[str]) -> set[tuple[str, int]]:
        query = (
            select(PublishedAssessment.rule_set_id, PublishedAssessment.rule_set_version)
            .where(PublishedAssessment.rule_set_id.in_(rule_set_ids))
            .distinct()
        )
        return {(row[0], row[1]) for row in await self._session.execute(query)}

    async def is_published(self, rule_set_id: str, version: int) -> bool:
        query = select(
            exists().where(
                PublishedAssessment.rule_set_id == rule_set_id,
                PublishedAssessment.rule_set_version == version,
            )
        )
        return bool(await self._session.scalar(query))

    async def hold_the_list(self) -> None:
        """Creating a rule set holds which rule sets exist, exclusively: an event that reads which rule sets
        score its unit (`share_the_list`) waits for the creation to commit, or the creation for it."""
        await self._session.execute(select(func.pg_advisory_xact_lock(LIST_KEY)))

    async def share_the_list(self) -> None:
        """Before an event reads which rule sets score its unit: a rule set being created then either commits
        first, and the event rescores under it, or waits for the event's facts, and its first recompute reads
        them. Without it each could miss the other, and the unit keep a score without the event's facts.

        Whoever takes it (an event, a recompute, a revision) takes it before any one rule set's lock, as a
        creation does, so the two kinds of lock are always taken in one order and cannot deadlock."""
        await self._session.execute(select(func.pg_advisory_xact_lock_shared(LIST_KEY)))

    async def lock(self, rule_set_id: str) -> None:
        """Serialise revisions of one rule set, so two offices cannot both make version n+1."""
        await self._session.execute(
            select(func.pg_advisory_xact_lock(func.hashtext(f"scoring.rule_set:{rule_set_id}")))
        )

    async def revise(self, rule_set_id: str, version: int, body: dict[str, Any], title: str) -> None:
        await self._session.execute(
            update(StoredRuleSet)
            .where(StoredRuleSet.id == rule_set_id, StoredRuleSet.version == version)
            .values(body=body, title=title, revision=StoredRuleSet.revision + 1, updated_at=func.now())
        )
