"""Rule sets (考核评分表) as validated data: one per year and unit kind, shipped as JSON package data.

The settings hold the reading of every ambiguity of the source (A1-A15 in `scoring-2019.md`; A16 and A17
follow the Annex 2 targets of the facts, A18 the facts' `ahead_of_schedule`). Where an ambiguity is about a
number printed in one item (A1, A2, A4), the item's parameters carry the published number and the setting
is an override, null meaning "as published".
"""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import Field, ModelWrapValidatorHandler, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError
from pydantic_core.core_schema import ErrorType

from gongjian_scoring.engine.rule_types import (
    RULE_TYPES,
    Checkpoint,
    NonNegative,
    PerCountDeductionRule,
    Rule,
    RuleModel,
    StartCheckpointsRule,
    SupportFailuresRule,
)
from gongjian_shared.types import CROSS_FIELD, DecimalRules

UnitKind = Literal["county", "department"]
Award = Literal["first", "second", "third", "advanced"]
ItemCategory = Literal["base", "bonus", "deduction"]

AWARD_LABELS: dict[UnitKind, tuple[Award, ...]] = {
    "county": ("first", "second", "third"),
    "department": ("advanced",),
}
DEDUCTION_RULES = (PerCountDeductionRule, SupportFailuresRule)


class RuleSetSettings(RuleModel):
    """The readings of the source's ambiguities; see `scoring-2019.md`, table A1-A15.

    `a6_award_cap`: at most this many awards (A6 revised: 5 advanced departments); null for no cap.
    """

    a1_publicity_cap: NonNegative | None = None
    a2_planning_base: NonNegative | None = None
    a2_planning_item_cap: NonNegative | None = None
    a3_gap_measure: Literal["percentage_points", "relative_to_target"] = "percentage_points"
    a4_checkpoints: Annotated[list[Checkpoint], Field(min_length=1)] | None = None
    a5_not_applicable: Literal["prorate", "full", "zero"] = "prorate"
    a6_award_share: Annotated[Decimal, DecimalRules(5, 4, ge=0, le=1, fixed_scale=False)] = Decimal("0.35")
    a6_rounding: Literal["half_up", "half_even", "down", "up"] = "half_up"
    a6_tier_sizes: list[Annotated[int, Field(ge=0)] | None]
    a6_award_cap: Annotated[int, Field(ge=0)] | None = None
    a7_partial_unit: Literal["floor", "prorate"] = "floor"
    a8_removed_projects: Literal["leave_from_removal", "keep"] = "leave_from_removal"
    a9_ranking: Literal["one_ranking"] = "one_ranking"
    a10_planning_tiers: Literal["highest", "sum"] = "highest"
    a11_started: Literal["continuing_or_recognised", "recognised_only"] = "continuing_or_recognised"
    a12_bonuses_without_base: Literal["count", "void"] = "count"
    a13_checkpoint_day: Literal["inclusive", "exclusive"] = "inclusive"
    a14_award_labels: list[Award]
    a15_tie_break_item: str
    a15_last_tie_break: Literal["unit_name"] = "unit_name"


class Item(RuleModel):
    """One line of the score sheet, with the source text it implements."""

    id: Annotated[str, Field(pattern=r"^[A-Z][0-9]+(\.[0-9]+)*$")]
    title: Annotated[str, Field(min_length=1)]
    category: ItemCategory
    standard: Annotated[
        Decimal, DecimalRules(16, 4, ge=None, fixed_scale=False)
    ]  # a deduction item's is negative
    rule: Rule
    source_text: Annotated[str, Field(min_length=1)]


class RuleSet(RuleModel):
    """A versioned rule set: `id` like `2019-county`, one per year and unit kind."""

    id: Annotated[str, Field(pattern=r"^[0-9]{4}-[a-z][a-z0-9-]*$")]
    year: Annotated[int, Field(ge=2000, le=2100)]
    unit_kind: UnitKind
    version: Annotated[int, Field(ge=1)]
    title: Annotated[str, Field(min_length=1)]
    award_source_text: Annotated[str, Field(min_length=1)]
    settings: RuleSetSettings
    items: Annotated[list[Item], Field(min_length=1)]

    @model_validator(mode="wrap")
    @classmethod
    def _validate(cls, data: Any, handler: ModelWrapValidatorHandler[RuleSet]) -> RuleSet:
        try:
            rule_set = handler(data)
        except ValidationError as error:
            # The discriminated union puts the rule type into each location (items.3.rule.media.cap);
            # editors of a rule set think in the document's own paths (items.3.rule.cap).
            raise ValidationError.from_exception_data(
                error.title, [_without_tag(e) for e in error.errors(include_url=False)]
            ) from None
        problems = _semantic_problems(rule_set)
        if problems:
            raise ValidationError.from_exception_data(
                cls.__name__,
                [
                    {"type": PydanticCustomError(CROSS_FIELD, msg), "loc": loc, "input": None}
                    for loc, msg in problems
                ],
            )
        return rule_set

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


def _without_tag(e: Any) -> InitErrorDetails:
    loc = tuple(e["loc"])
    if len(loc) >= 4 and loc[0] == "items" and loc[2] == "rule" and loc[3] in RULE_TYPES:
        loc = loc[:3] + loc[4:]
    if e["type"] not in _PYDANTIC_ERROR_TYPES:  # one of the shared types' own (money_format ...)
        custom = PydanticCustomError(e["type"], e["msg"], e.get("ctx"))
        return {"type": custom, "loc": loc, "input": e["input"]}
    details: InitErrorDetails = {"type": e["type"], "loc": loc, "input": e["input"]}
    if "ctx" in e:
        details["ctx"] = e["ctx"]
    return details


_PYDANTIC_ERROR_TYPES = frozenset(get_args(ErrorType))


def _semantic_problems(rule_set: RuleSet) -> list[tuple[tuple[str | int, ...], str]]:
    problems: list[tuple[tuple[str | int, ...], str]] = []
    seen: set[str] = set()
    for i, item in enumerate(rule_set.items):
        if item.id in seen:
            problems.append((("items", i, "id"), f"duplicate item id {item.id}"))
        seen.add(item.id)
        if (item.category == "deduction") != (item.standard < 0):
            problems.append((("items", i, "standard"), "a deduction item has a negative standard, no other"))
        if (item.category == "deduction") != isinstance(item.rule, DEDUCTION_RULES):
            problems.append((("items", i, "category"), "deduction items use a deduction rule type, no other"))
        if isinstance(item.rule, StartCheckpointsRule):
            problems += _checkpoint_problems(item.rule.checkpoints, rule_set.year, ("items", i, "rule"))
    settings = rule_set.settings
    if settings.a4_checkpoints is not None:
        problems += _checkpoint_problems(
            settings.a4_checkpoints, rule_set.year, ("settings", "a4_checkpoints")
        )
    if not rule_set.id.startswith(f"{rule_set.year}-"):
        problems.append((("id",), f"a rule set id starts with its year ({rule_set.year}-)"))
    labels = settings.a14_award_labels
    allowed = AWARD_LABELS[rule_set.unit_kind]
    if tuple(labels) != allowed[: len(labels)] or not labels:
        problems.append(
            (("settings", "a14_award_labels"), f"{rule_set.unit_kind} awards are, in order, {list(allowed)}")
        )
    sizes = settings.a6_tier_sizes
    if len(sizes) != len(labels):
        problems.append((("settings", "a6_tier_sizes"), "one size per award label (a14_award_labels)"))
    if None in sizes[:-1]:
        problems.append((("settings", "a6_tier_sizes"), "only the last tier may take the rest (null)"))
    base_ids = {item.id for item in rule_set.items if item.category == "base"}
    if settings.a15_tie_break_item not in base_ids:
        problems.append((("settings", "a15_tie_break_item"), "must name a base item of this rule set"))
    return problems


def _checkpoint_problems(
    checkpoints: list[Checkpoint], year: int, at: tuple[str | int, ...]
) -> list[tuple[tuple[str | int, ...], str]]:
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for j, checkpoint in enumerate(checkpoints):
        if checkpoint.on.year != year:
            problems.append(
                ((*at, "checkpoints", j, "on"), f"a checkpoint falls in the rule set's year {year}")
            )
    if [c.on for c in checkpoints] != sorted({c.on for c in checkpoints}):
        problems.append(((*at, "checkpoints"), "checkpoints are distinct and in date order"))
    return problems


def year_end(year: int) -> date:
    return date(year, 12, 31)


class UnknownRuleSetError(LookupError):
    def __init__(self, rule_set_id: str) -> None:
        known = ", ".join(builtin_rule_set_ids())
        super().__init__(f"unknown rule set {rule_set_id!r} (built in: {known})")
        self.rule_set_id = rule_set_id


def _rule_set_dir() -> Traversable:
    return files("gongjian_scoring.engine").joinpath("rule_sets")


@functools.cache
def builtin_rule_set_ids() -> tuple[str, ...]:
    names = (entry.name for entry in _rule_set_dir().iterdir())
    return tuple(sorted(name.removesuffix(".json") for name in names if name.endswith(".json")))


@functools.cache
def load_builtin_rule_set(rule_set_id: str) -> RuleSet:
    """Load a rule set shipped with the package; the result is frozen, so one instance is shared."""
    if rule_set_id not in builtin_rule_set_ids():
        raise UnknownRuleSetError(rule_set_id)
    return parse_rule_set(_rule_set_dir().joinpath(f"{rule_set_id}.json").read_text(encoding="utf-8"))


def parse_rule_set(text: str | bytes) -> RuleSet:
    """Validate a rule set from JSON text; numbers are read as exact decimals."""
    return RuleSet.model_validate_json(text)


def load_rule_set_file(path: str | Path) -> RuleSet:
    return parse_rule_set(Path(path).read_bytes())
