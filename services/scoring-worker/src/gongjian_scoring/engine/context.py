"""What every item rule sees: the unit's facts, the rule set's settings and the as-of date."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import TypeVar

from gongjian_scoring.engine.facts import KeyProject, Targets, UnitFacts
from gongjian_scoring.engine.rules import RuleSetSettings, UnitKind

T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    unit: UnitFacts
    settings: RuleSetSettings
    year: int
    as_of: date
    unit_kind: UnitKind = "county"

    @property
    def targets(self) -> Targets | None:
        """The unit's Annex 2 targets, if its facts carry them (A16)."""
        return self.unit.targets

    def key_project_items_apply(self) -> bool | None:
        """A16: with targets, a county's key-project items always apply, a department's when it has a
        key-project target; None without targets (the registered projects decide)."""
        if self.targets is None:
            return None
        return self.unit_kind == "county" or self.targets.key_projects > 0

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


def no_target(target: str) -> Outcome:
    """A16: the unit's Annex 2 target for this item is 0, whatever it registered."""
    return not_applicable(f"附件2 目标任务 Annex 2 target {target} is 0 (A16)")


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
