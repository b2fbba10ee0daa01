"""Seed data: the units of Annexes 1 and 2 and the 2019 targets of Annex 2 (附件1、附件2)."""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_projects.models import AnnualTarget, Unit
from gongjian_projects.plans.target_events import publish_targets
from gongjian_projects.units.repository import UnitRepository
from gongjian_projects.units.service import unit_updated
from gongjian_shared.outbox import Outbox

SEED_YEAR = 2019
TARGETS_FILE = "2019-task-breakdown.csv"
MEMBERS_FILE = "joint-meeting-members.csv"


@dataclass(frozen=True)
class SeedResult:
    units_created: int
    targets_created: int


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("gongjian_projects.seed_data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def annex_order() -> dict[str, int]:
    """Unit name -> its row in Annex 2 (county, zones, departments, enterprises), for official layouts."""
    names = [row["unit_name"] for row in _rows(TARGETS_FILE) if row["unit_kind"] != "total"]
    return {name: index for index, name in enumerate(names)}


def _int(value: str) -> int:
    return int(value) if value.strip() else 0


def _decimal(value: str) -> Decimal | None:
    return Decimal(value) if value.strip() else None


async def seed(session: AsyncSession, outbox: Outbox) -> SeedResult:
    """Idempotent: units and targets that exist are left as they are; the year's targets are published
    (`annual-targets-set`) each time."""
    units = UnitRepository(session)
    targets = _rows(TARGETS_FILE)
    members = {row["unit_name"] for row in _rows(MEMBERS_FILE)}
    wanted: dict[str, dict[str, str]] = {}
    for row in [*_rows(MEMBERS_FILE), *targets]:
        if row["unit_kind"] != "total":
            wanted.setdefault(row["unit_name"], row)
    created = 0
    by_name: dict[str, Unit] = {}
    for name, row in wanted.items():
        unit = await units.by_name(name)
        if unit is None:
            unit = Unit(
                id=uuid.uuid4(),
                name=name,
                kind=row["unit_kind"],
                admin_code=row["admin_code"] or None,
                parent_unit_id=None,
                joint_meeting_member=name in members,
                revision=1,
                contacts=[],
            )
            units.add(unit)
            await units.flush()
            await outbox.publish(session, unit_updated(unit), key=str(unit.id))
            created += 1
        by_name[name] = unit
    targets_created = 0
    for row in targets:
        if row["unit_kind"] == "total":
            continue
        unit = by_name[row["unit_name"]]
        exists = await session.scalar(
            select(AnnualTarget.id).where(AnnualTarget.year == SEED_YEAR, AnnualTarget.unit_id == unit.id)
        )
        if exists is not None:
            continue
        session.add(
            AnnualTarget(
                id=uuid.uuid4(),
                year=SEED_YEAR,
                unit_id=unit.id,
                key_projects=_int(row["key_projects"]),
                key_projects_new_start=_int(row["key_projects_new_start"]),
                planned_investment_10k=_decimal(row["annual_planned_investment_10k_cny"]) or Decimal(0),
                prephase_projects=_int(row["prephase_projects"]),
                planned_projects=_int(row["planned_projects"]),
                planned_projects_over_2bn=_int(row["planned_projects_over_2bn_cny"]),
                planned_projects_over_10bn=_int(row["planned_projects_over_10bn_cny"]),
                planning_direction=row["planning_direction"] or None,
                attraction_domestic_capital_100m=_decimal(row["attraction_domestic_capital_100m_cny"]),
                attraction_other_target=_decimal(row["attraction_col10_header_missing"]),
            )
        )
        targets_created += 1
    await session.flush()
    # every time, so that `gongjian seed` also brings the targets of an existing registry to the assessment
    await publish_targets(session, outbox, SEED_YEAR)
    return SeedResult(units_created=created, targets_created=targets_created)
