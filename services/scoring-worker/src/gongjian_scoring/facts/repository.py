from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Select, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import insert

from gongjian_scoring.engine.facts import FactsModel, Targets
from gongjian_scoring.models import (
    UNIT_REPLICA,
    AnnualTargets,
    FactsImport,
    Judgement,
    ProjectFact,
    ProjectInvestment,
)
from gongjian_shared.repository import ModelRepository, Repository

M = TypeVar("M", bound=FactsModel)


def built(model: type[M], **fields: Any) -> M:
    """A facts model from the read model's typed columns, which hold what the registry's validated events
    carried: built without validating it a second time (a full recompute builds 50,000 of them, and
    validating one costs six times building it).

    Every field is given, so the instance is what `model_construct` makes of them (no default to fill, no
    alias, no extra, every field set; the facts models have no `model_post_init`) in half its time: it looked
    for aliases and defaults field by field, 3.0 µs a key project, 80 ms of a full recompute.
    """
    if fields.keys() != model.__pydantic_fields__.keys():
        raise TypeError(
            f"{model.__name__} is built from all its fields, {', '.join(model.__pydantic_fields__)}"
        )
    instance = model.__new__(model)
    object.__setattr__(instance, "__dict__", fields)
    object.__setattr__(instance, "__pydantic_fields_set__", set(fields))
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance


def _record_investment() -> Any:
    statement = insert(ProjectInvestment)
    return statement.on_conflict_do_update(
        index_elements=[ProjectInvestment.project_id, ProjectInvestment.year],
        set_={
            "unit_id": statement.excluded.unit_id,
            "month": statement.excluded.month,
            "year_to_date_10k": statement.excluded.year_to_date_10k,
            "cumulative_10k": statement.excluded.cumulative_10k,
            "updated_at": func.now(),
        },
        where=ProjectInvestment.month <= statement.excluded.month,
    )


# Built once: every progress report runs it.
RECORD_INVESTMENT = _record_investment()


class InvestmentRepository(Repository):
    async def record(
        self,
        *,
        project_id: uuid.UUID,
        unit_id: uuid.UUID,
        year: int,
        month: int,
        year_to_date_10k: Decimal,
        cumulative_10k: Decimal,
    ) -> None:
        """Keep the figures of the latest month; an older month arriving late changes nothing."""
        await self._session.execute(
            RECORD_INVESTMENT,
            {
                "project_id": project_id,
                "unit_id": unit_id,
                "year": year,
                "month": month,
                "year_to_date_10k": year_to_date_10k,
                "cumulative_10k": cumulative_10k,
            },
        )

    async def unit_completed(self, unit_id: uuid.UUID, year: int) -> tuple[Decimal, int]:
        query = select(func.coalesce(func.sum(ProjectInvestment.year_to_date_10k), 0), func.count()).where(
            ProjectInvestment.unit_id == unit_id, ProjectInvestment.year == year
        )
        total, projects = (await self._session.execute(query)).one()
        return Decimal(total), int(projects)


class ProjectFactRepository(Repository):
    async def get_for_update(self, project_id: uuid.UUID) -> ProjectFact | None:
        query = select(ProjectFact).where(ProjectFact.project_id == project_id).with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()


class TargetsRepository(Repository):
    async def get_for_update(self, year: int) -> AnnualTargets | None:
        query = select(AnnualTargets).where(AnnualTargets.year == year).with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()


class ProjectRow(NamedTuple):
    """What a facts document needs of one project (no ORM entity: a full recompute reads 100,000 of them)."""

    project_id: uuid.UUID
    unit_id: uuid.UUID
    year: int
    fact_date: date
    kind: str | None
    code: str | None
    plan_category: str | None
    total_investment_10k: Decimal | None
    planned_investment_10k: Decimal | None
    planned_completion: date | None
    provincial_key: bool
    started_on: date | None
    completed_on: date | None
    removed_on: date | None
    prephase_done: bool | None
    depth: str | None
    in_prephase_plan_and_filed: bool | None
    proposed_for_next_year: bool | None
    month: int | None
    year_to_date_10k: Decimal | None


class JudgementRow(NamedTuple):
    unit_id: uuid.UUID
    kind: str
    details: dict[str, Any]
    recorded_at: datetime
    withdrawn_at: datetime | None


# The bulk reads select the tables' columns, not the entities' attributes: a statement of ORM attributes
# has its rows processed by the ORM's loading, which cost a full recompute's read of 90,000 projects more
# than the database's work.
FACT = ProjectFact.__table__.c
INVESTMENT = ProjectInvestment.__table__.c
JUDGEMENT = Judgement.__table__.c


def _projects_query(some_units: bool) -> Select[Any]:
    columns = [FACT[name] for name in ProjectRow._fields[:-2]]
    query = (
        select(*columns, INVESTMENT.month, INVESTMENT.year_to_date_10k)
        .outerjoin(
            ProjectInvestment.__table__,
            (INVESTMENT.project_id == FACT.project_id) & (INVESTMENT.year == FACT.year),
        )
        .where(FACT.year == bindparam("year"))
        .order_by(FACT.unit_id, FACT.code, FACT.project_id)
    )
    return query.where(FACT.unit_id.in_(bindparam("unit_ids", expanding=True))) if some_units else query


def _judgements_query(some_units: bool) -> Select[Any]:
    query = (
        select(
            JUDGEMENT.unit_id,
            JUDGEMENT.kind,
            JUDGEMENT.details,
            JUDGEMENT.recorded_at,
            JUDGEMENT.withdrawn_at,
        )
        .where(JUDGEMENT.year == bindparam("year"))
        .order_by(JUDGEMENT.unit_id, JUDGEMENT.recorded_at, JUDGEMENT.id)
    )
    return query.where(JUDGEMENT.unit_id.in_(bindparam("unit_ids", expanding=True))) if some_units else query


# Built once: rescoring one unit after each event runs these, and building a statement costs more than
# running a small one.
PROJECTS = {some: _projects_query(some) for some in (False, True)}
JUDGEMENTS = {some: _judgements_query(some) for some in (False, True)}
UNIT = select(UNIT_REPLICA.c.name, UNIT_REPLICA.c.kind).where(UNIT_REPLICA.c.unit_id == bindparam("unit_id"))


def _targets_query(some_units: bool) -> Select[Any]:
    """The year's Annex 2 targets (or only some units' of them) and whether any unit has a row."""
    targets: Any = AnnualTargets.targets
    if some_units:
        entries = func.jsonb_each(AnnualTargets.targets).table_valued("key", "value")
        targets = (
            select(func.coalesce(func.jsonb_object_agg(entries.c.key, entries.c.value), text("'{}'::jsonb")))
            .where(entries.c.key.in_(bindparam("unit_keys", expanding=True)))
            .scalar_subquery()
        )
    listed = AnnualTargets.targets != text("'{}'::jsonb")
    return select(targets, listed).where(AnnualTargets.year == bindparam("year"))


TARGETS = {some: _targets_query(some) for some in (False, True)}


class FactsQueries(Repository):
    """The reads that assemble facts documents: a year's projects, judgements and units, for some units."""

    async def projects(self, year: int, unit_ids: Sequence[uuid.UUID] | None) -> list[ProjectRow]:
        """The year's projects of the units, each with its latest accepted month and figure; a project
        whose registration has not arrived yet has no kind."""
        params: dict[str, Any] = {"year": year} | ({} if unit_ids is None else {"unit_ids": list(unit_ids)})
        rows = await self._session.execute(PROJECTS[unit_ids is not None], params)
        return [ProjectRow._make(row) for row in rows]

    async def judgements(self, year: int, unit_ids: Sequence[uuid.UUID] | None) -> list[JudgementRow]:
        """The year's judgements of the units, withdrawn ones too, in the order recorded."""
        params: dict[str, Any] = {"year": year} | ({} if unit_ids is None else {"unit_ids": list(unit_ids)})
        rows = await self._session.execute(JUDGEMENTS[unit_ids is not None], params)
        return [JudgementRow._make(row) for row in rows]

    async def targets(
        self, year: int, unit_ids: Sequence[uuid.UUID] | None = None
    ) -> dict[uuid.UUID, Targets] | None:
        """The year's Annex 2 targets by unit id (of some units: rescoring one unit reads its own, not the
        province's); None when none were set for the year. A unit without a row has no task (A17): the caller
        gives it zero targets."""
        params: dict[str, Any] = {"year": year}
        if unit_ids is not None:
            params["unit_keys"] = [str(unit_id) for unit_id in unit_ids]
        row = (await self._session.execute(TARGETS[unit_ids is not None], params)).first()
        if row is None or not row[1]:  # none set, or an empty Annex 2: the projects decide, as before A16
            return None
        stored: dict[str, dict[str, int]] = row[0]
        return {
            uuid.UUID(unit_id): built(
                Targets,
                key_projects=counts["key_projects"],
                prephase_projects=counts["prephase_projects"],
                planned_projects=counts["planned_projects"],
            )
            for unit_id, counts in stored.items()
        }

    async def units(self, kinds: Sequence[str], unit_ids: Sequence[uuid.UUID] | None) -> dict[uuid.UUID, str]:
        """The units of some registry kinds, from the replica: id -> name."""
        query = select(UNIT_REPLICA.c.unit_id, UNIT_REPLICA.c.name).where(UNIT_REPLICA.c.kind.in_(kinds))
        if unit_ids is not None:
            query = query.where(UNIT_REPLICA.c.unit_id.in_(unit_ids))
        return {row.unit_id: row.name for row in await self._session.execute(query)}

    async def unit(self, unit_id: uuid.UUID) -> tuple[str, str] | None:
        """A unit's name and registry kind, if the replica has it."""
        row = (await self._session.execute(UNIT, {"unit_id": unit_id})).first()
        return (row.name, row.kind) if row else None


class FactsImportRepository(ModelRepository[FactsImport]):
    model = FactsImport
