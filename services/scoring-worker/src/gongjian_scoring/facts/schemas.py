from __future__ import annotations

import uuid
from decimal import Decimal

from pydantic import BaseModel


class UnitCompletedInvestment(BaseModel):
    """A unit's completed investment this year (年度完成投资), from accepted monthly reports, in 万元."""

    unit_id: uuid.UUID
    year: int
    completed_10k: Decimal
    projects_reported: int
