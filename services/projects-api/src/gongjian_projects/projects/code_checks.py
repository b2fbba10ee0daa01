"""A unified code's segments checked against its project: the region under the unit, the year by the plan."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_projects.models import Unit
from gongjian_projects.projects.codes import parse_code, segment_refusal
from gongjian_projects.units.repository import UnitRepository
from gongjian_shared.errors import RuleViolation, field_error

_MAX_NESTING = 8  # units nest a level or two; the walk up is bounded against a cycle


def county_of(unit: Unit, units_by_id: Mapping[uuid.UUID, Unit]) -> str | None:
    """The administrative code of the county a unit belongs to (its own, or its nearest parent's); None for a
    city-level unit (department, zone, enterprise, the office)."""
    current: Unit | None = unit
    for _ in range(_MAX_NESTING):
        if current is None or current.admin_code is not None or current.parent_unit_id is None:
            break
        current = units_by_id.get(current.parent_unit_id)
    return current.admin_code if current is not None else None


async def unit_region(session: AsyncSession, unit_id: uuid.UUID) -> str | None:
    """`county_of` the unit, read from the database."""
    units = UnitRepository(session)
    unit = await units.get(unit_id)
    for _ in range(_MAX_NESTING):
        if unit is None or unit.admin_code is not None or unit.parent_unit_id is None:
            break
        unit = await units.get(unit.parent_unit_id)
    return unit.admin_code if unit is not None else None


async def check_code_segments(
    session: AsyncSession, unit_id: uuid.UUID, plan_year: int, codes: dict[str, str | None]
) -> None:
    """Each well-shaped code (by field name) has its region under the unit and its year not after the plan's."""
    region = await unit_region(session, unit_id)
    for name, text in codes.items():
        parsed = parse_code(text) if text else None
        refusal = parsed and segment_refusal(parsed, plan_year=plan_year, unit_region=region)
        if refusal:
            raise RuleViolation(
                errors=[field_error(name, f"{refusal.segment}-segment", refusal.message, refusal.message_zh)]
            )
