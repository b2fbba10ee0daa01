from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from gongjian_scoring.assessment.sheet import ScoreSheet


class UnitCompletedInvestment(BaseModel):
    """A unit's completed investment this year (年度完成投资), from accepted monthly reports, in 万元."""

    unit_id: uuid.UUID
    year: int
    completed_10k: Decimal
    projects_reported: int


class FactsImportOut(BaseModel):
    """An imported facts document (导入的考核事实) and the score sheet computed from it."""

    id: uuid.UUID
    rule_set_id: str
    rule_set_version: int
    year: int
    as_of: date
    imported_by: str
    imported_at: datetime
    sheet: ScoreSheet


def json_numbers(value: Any) -> Any:
    """Amounts as JSON numbers, as the facts document of `scoring-2019.md` shows them, without losing digits.

    A decimal whose shortest float form reads back as the same decimal becomes that number; any other
    (more than 15 significant digits) stays a string, which `parse_facts` reads exactly too.
    """
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else str(value)
    if isinstance(value, dict):
        return {key: json_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_numbers(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
