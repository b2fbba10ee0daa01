"""What every item rule sees: the unit's facts, the rule set's settings and the as-of date."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import TypeVar

from gongjian_scoring.engine.facts import KeyProject, UnitFacts
from gongjian_scoring.engine.rules import RuleSetSettings

T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    unit: UnitFacts
    settings: RuleSetSettings
    year: int
    as_of: date

    def key_projects_in_plan(self, on: date) -> list[KeyProject]:
        return [p for p in present(self.unit.key_projects) if in_plan(p, on, self.settings)]


@dataclass(frozen=True)
class Outcome:
    """An item's exact points before A5; `applicable` False means the unit has nothing this item assesses."""

    points: Fraction
    applicable: bool
    explanation: str


def not_applicable(reason: str) -> Outcome:
    return Outcome(Fraction(0), False, f"不适用 not applicable: {reason}")


def in_plan(project: KeyProject, on: date, settings: RuleSetSettings) -> bool:
    """A8/A13: a removed project leaves numerator and denominator from the date of its removal."""
    if settings.a8_removed_projects == "keep":
        return True
    return project.removed_on is None or project.removed_on > on


def recognition_closes(checkpoint: date) -> date:
    """Start recognition runs into the next month: a 30 June checkpoint is settled on 31 July."""
    year, month = (
        (checkpoint.year + 1, 1) if checkpoint.month == 12 else (checkpoint.year, checkpoint.month + 1)
    )
    return date(year, month, calendar.monthrange(year, month)[1])


def present(value: T | None) -> T:
    """A field the rule needs; `missing_fields` has rejected the facts already if it were absent."""
    if value is None:
        raise AssertionError("a needed field is missing although the facts were checked")
    return value


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
