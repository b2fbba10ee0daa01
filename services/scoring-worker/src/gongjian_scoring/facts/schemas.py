from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel

from gongjian_scoring.engine.sheet import ScoreSheet
from gongjian_shared.types import Day, Instant


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
    as_of: Day
    imported_by: str
    imported_at: Instant
    sheet: ScoreSheet


def json_numbers(value: Any) -> Any:
    """A facts document as JSON: amounts (the only decimals it holds, 万元) as decimal strings, the way every
    service writes money (`"12000.00"`, more places only where the amount has them, never an exponent), so no
    digit is lost and the response matches its schema; `parse_facts` reads strings and numbers alike.
    """
    if isinstance(value, Decimal):
        try:
            cents = value.quantize(Decimal("0.01"))
        except InvalidOperation:  # more digits than the context holds: written as they are
            return format(value, "f")
        return format(cents if cents == value else value, "f")
    if isinstance(value, dict):
        return {key: json_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_numbers(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
