"""Events of the scoring service (scoring-worker, 考核评分)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from gongjian_shared.events.envelope import EventPayload
from gongjian_shared.events.registry import contract


class ItemPoints(BaseModel):
    """One line of a score sheet: the item's id (e.g. C1.1), its points to 0.01, and whether it applies."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    points: Decimal
    applicable: bool


@contract
class ScoreUpdated(EventPayload):
    event_type: ClassVar[str] = "score-updated"
    stream: ClassVar[str] = "scoring"
    summary: ClassVar[str] = (
        "A unit's live assessment score changed (考核得分更新), keyed by unit; provisional until the year"
        " and its recognition windows close."
    )

    rule_set_id: str
    rule_set_version: int
    year: int
    unit_id: uuid.UUID
    unit_name: str
    as_of: date
    provisional: bool
    total: Decimal
    previous_total: Decimal | None
    eligible: bool
    items: tuple[ItemPoints, ...]
