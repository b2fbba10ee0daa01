from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.dialects.postgresql import distinct_on, insert

from gongjian_scoring.models import ScoreSnapshot
from gongjian_shared.repository import Repository


class SnapshotRow(NamedTuple):
    """A snapshot as read for scoring and standings (no ORM entity: a full recompute reads thousands)."""

    unit_id: uuid.UUID
    unit_name: str
    rule_set_version: int
    as_of: date
    provisional: bool
    total: Decimal
    eligible: bool
    result: dict[str, Any]


# The table's columns, not the entity's attributes: the ORM's processing of a full recompute's thousands of
# rows is skipped.
SNAPSHOT = ScoreSnapshot.__table__.c


def _latest_query(some_units: bool) -> Select[Any]:
    columns = [SNAPSHOT[name] for name in SnapshotRow._fields]
    query = (
        select(*columns)
        .where(SNAPSHOT.rule_set_id == bindparam("rule_set_id"))
        .ext(distinct_on(SNAPSHOT.unit_id))
        .order_by(SNAPSHOT.unit_id, SNAPSHOT.as_of.desc())
    )
    return query.where(SNAPSHOT.unit_id.in_(bindparam("unit_ids", expanding=True))) if some_units else query


# Built once: rescoring one unit after each event runs these.
LATEST = {some: _latest_query(some) for some in (False, True)}
LOCK_UNIT = select(
    func.pg_advisory_xact_lock_shared(func.hashtext(bindparam("rule_set_key"))),
    func.pg_advisory_xact_lock(func.hashtext(bindparam("unit_key"))),
)


def _put_statement() -> Any:
    statement = insert(ScoreSnapshot)
    replaced = (
        "rule_set_version",
        "year",
        "unit_name",
        "provisional",
        "total",
        "eligible",
        "result",
        "computed_at",
    )
    return statement.on_conflict_do_update(
        index_elements=[ScoreSnapshot.rule_set_id, ScoreSnapshot.unit_id, ScoreSnapshot.as_of],
        set_={name: getattr(statement.excluded, name) for name in replaced},
    )


PUT = _put_statement()


class SnapshotRepository(Repository):
    async def lock_rule_set(self, rule_set_id: str) -> None:
        """A full recompute holds its rule set exclusively; rescoring single units shares it (`lock_unit`)."""
        key = func.hashtext(f"scoring.rule_set:{rule_set_id}")
        await self._session.execute(select(func.pg_advisory_xact_lock(key)))

    async def lock_unit(self, rule_set_id: str, unit_id: uuid.UUID) -> None:
        """Share the rule set and hold the unit: rescoring one unit is serialised, so the last writer has
        read every fact committed before it, and waits while a full recompute holds the rule set."""
        keys = {
            "rule_set_key": f"scoring.rule_set:{rule_set_id}",
            "unit_key": f"scoring.unit:{rule_set_id}:{unit_id}",
        }
        await self._session.execute(LOCK_UNIT, keys)

    async def latest(
        self, rule_set_id: str, unit_ids: Sequence[uuid.UUID] | None = None
    ) -> dict[uuid.UUID, SnapshotRow]:
        """Each unit's live score: its snapshot with the latest as-of date."""
        params: dict[str, Any] = {"rule_set_id": rule_set_id}
        if unit_ids is not None:
            params["unit_ids"] = list(unit_ids)
        rows = await self._session.execute(LATEST[unit_ids is not None], params)
        return {row.unit_id: SnapshotRow._make(row) for row in rows}

    async def history(self, rule_set_id: str, unit_id: uuid.UUID) -> Sequence[ScoreSnapshot]:
        query = (
            select(ScoreSnapshot)
            .where(ScoreSnapshot.rule_set_id == rule_set_id, ScoreSnapshot.unit_id == unit_id)
            .order_by(ScoreSnapshot.as_of)
        )
        return (await self._session.execute(query)).scalars().all()

    async def put(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert snapshots; one on the same rule set, unit and as-of date is replaced."""
        if rows:
            await self._session.execute(PUT, list(rows))
