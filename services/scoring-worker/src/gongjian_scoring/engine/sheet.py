"""The computed score sheet (考核评分结果), serialised with its numbers as JSON numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from gongjian_scoring.engine.rules import Award


def _as_json_number(value: Decimal) -> int | float:
    # Values are already rounded to 0.01, so the shortest float repr prints exactly those digits.
    return int(value) if value == value.to_integral_value() else float(value)


Points = Annotated[Decimal, PlainSerializer(_as_json_number, return_type=int | float, when_used="json")]
# A17: false for a unit with no task in Annex 2, which the sheet shows but does not rank. Written only when
# false, so that a sheet whose facts carry no targets (every unit ranked) keeps the shape it always had.
Assessed = Annotated[
    bool,
    Field(
        description="false: the unit has no task in Annex 2 and is not ranked (A17); absent means true",
        exclude_if=lambda value: value is True,
    ),
]


class SheetModel(BaseModel):
    model_config = ConfigDict(frozen=True)


class ItemScore(SheetModel):
    """One line: the points (to 0.01), the item's standard, and how the points were reached."""

    id: str
    points: Points
    standard: Points
    applicable: bool
    explanation: str
    source_text: str


def _find(unit: str, items: list[ItemScore], item_id: str) -> ItemScore:
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(f"{unit} has no item {item_id}")


class UnitResult(SheetModel):
    """One unit's items and total, before ranking; what an incremental recompute produces."""

    unit: str
    total: Points
    eligible: bool
    items: list[ItemScore]
    assessed: Assessed = True

    def item(self, item_id: str) -> ItemScore:
        return _find(self.unit, self.items, item_id)

    def points_of(self, item_id: str) -> Decimal:
        return self.item(item_id).points


class UnitScore(SheetModel):
    """A unit's line of the sheet, its fields in the order the score sheet shows them; `rank` and `award` are
    null for a unit that is not assessed (A17)."""

    unit: str
    total: Points
    rank: int | None
    award: Award | None
    eligible: bool
    items: list[ItemScore]
    assessed: Assessed = True

    def item(self, item_id: str) -> ItemScore:
        return _find(self.unit, self.items, item_id)

    def points_of(self, item_id: str) -> Decimal:
        return self.item(item_id).points


class ScoreSheet(SheetModel):
    """A score sheet; `provisional` until the year has ended and every start-recognition window has closed."""

    rule_set: str
    as_of: date
    provisional: bool
    units: list[UnitScore]
