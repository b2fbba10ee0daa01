"""Computing score sheets: a pure function of (rule set, facts, as-of date)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from gongjian_scoring.engine.context import Context, Outcome, recognition_closes
from gongjian_scoring.engine.errors import FactsError, FactsErrorDetail, detail
from gongjian_scoring.engine.evaluate import evaluate
from gongjian_scoring.engine.facts import (
    FactsDocument,
    UnitFacts,
    consistency_problems,
    missing_fields,
    unit_problems,
)
from gongjian_scoring.engine.numbers import display, exact, fmt
from gongjian_scoring.engine.ranking import rank_units
from gongjian_scoring.engine.rule_types import Checkpoint, StartCheckpointsRule
from gongjian_scoring.engine.rules import (
    Item,
    RuleSet,
    builtin_rule_set_ids,
    load_builtin_rule_set,
    year_end,
)
from gongjian_scoring.engine.sheet import ItemScore, ScoreSheet, UnitResult

# Awards need every unit's eligibility, whatever the items.
ELIGIBILITY_FIELD = ("disqualifying_incident", "awards")


def compute(rule_set: RuleSet, facts: FactsDocument, as_of: date | None = None) -> ScoreSheet:
    """Score every unit of the facts, rank the assessed ones (A17) and hand out the awards.

    `as_of` defaults to the facts' own date; it may be later (to let a recognition window close) but not
    earlier, since the amounts in the facts are cumulative to their date. Raises `FactsError`.
    """
    as_of = as_of or facts.as_of
    problems = document_problems(rule_set, facts, as_of)
    if problems:
        raise FactsError(problems)
    results: list[UnitResult] = []
    for index, unit in enumerate(facts.units):
        try:
            results.append(compute_unit(rule_set, unit, as_of, index=index))
        except FactsError as error:
            problems += error.errors
    if problems:
        raise FactsError(problems)
    return ScoreSheet(
        rule_set=rule_set.id,
        as_of=as_of,
        provisional=is_provisional(rule_set, as_of),
        units=rank_units(rule_set, results),
    )


def compute_unit(rule_set: RuleSet, unit: UnitFacts, as_of: date, *, index: int = 0) -> UnitResult:
    """One unit's items and total, without ranking: for recomputing a single unit incrementally.

    `index` is the unit's position in its facts document, used in error locations.
    """
    problems = _as_of_problems(rule_set, as_of) + unit_problems(unit, index, as_of)
    problems += missing_fields(unit, index, _needs(rule_set))
    if problems:
        raise FactsError(problems)
    ctx = Context(
        unit=unit, settings=rule_set.settings, year=rule_set.year, as_of=as_of, unit_kind=rule_set.unit_kind
    )
    outcomes = [(item, evaluate(item, ctx)) for item in rule_set.items]
    total, proration = _total(rule_set, outcomes)
    return UnitResult(
        unit=unit.unit,
        total=display(total),
        eligible=not unit.disqualifying_incident,
        items=[_item_score(rule_set, item, outcome, proration) for item, outcome in outcomes],
        assessed=unit.assessed(),
    )


def is_provisional(rule_set: RuleSet, as_of: date) -> bool:
    """Before the year's end, or while a checkpoint's start-recognition window is still open."""
    return as_of < year_end(rule_set.year) or any(
        as_of < recognition_closes(c.on) for c in checkpoints(rule_set)
    )


def checkpoints(rule_set: RuleSet) -> list[Checkpoint]:
    if rule_set.settings.a4_checkpoints is not None:
        return rule_set.settings.a4_checkpoints
    return [
        c
        for item in rule_set.items
        if isinstance(item.rule, StartCheckpointsRule)
        for c in item.rule.checkpoints
    ]


def document_problems(rule_set: RuleSet, facts: FactsDocument, as_of: date) -> list[FactsErrorDetail]:
    problems = _kind_problems(rule_set, facts)
    if facts.year != rule_set.year:
        msg = f"facts are for {facts.year}, rule set {rule_set.id} for {rule_set.year}"
        problems.append(detail(["year"], msg, "year_mismatch"))
    if as_of < facts.as_of:
        msg = f"cannot score as of {as_of.isoformat()}: the facts are as of {facts.as_of.isoformat()}"
        problems.append(detail(["as_of"], msg, "as_of_before_facts"))
    return problems + _as_of_problems(rule_set, as_of) + consistency_problems(facts, as_of)


def _kind_problems(rule_set: RuleSet, facts: FactsDocument) -> list[FactsErrorDetail]:
    if facts.rule_set == rule_set.id:
        return []
    if facts.rule_set not in builtin_rule_set_ids():
        msg = f"facts name rule set {facts.rule_set!r}, which is not {rule_set.id!r} nor built in"
        return [detail(["rule_set"], msg, "unknown_rule_set")]
    kind = load_builtin_rule_set(facts.rule_set).unit_kind
    if kind == rule_set.unit_kind:
        return []
    msg = (
        f"facts are for rule set {facts.rule_set} ({kind} units); rule set {rule_set.id} scores"
        f" {rule_set.unit_kind} units / 考核对象类别不符"
    )
    return [detail(["rule_set"], msg, "unit_kind_mismatch")]


def _as_of_problems(rule_set: RuleSet, as_of: date) -> list[FactsErrorDetail]:
    if as_of.year < rule_set.year:
        msg = f"as_of {as_of.isoformat()} is before the assessment year {rule_set.year}"
        return [detail(["as_of"], msg, "as_of_before_year")]
    return []


def _needs(rule_set: RuleSet) -> list[tuple[str, str]]:
    return [ELIGIBILITY_FIELD] + [(path, item.id) for item in rule_set.items for path in item.rule.needs()]


def _total(rule_set: RuleSet, outcomes: list[tuple[Item, Outcome]]) -> tuple[Fraction, str | None]:
    """A5: not-applicable base items are prorated away, or count as full marks or zero."""
    policy = rule_set.settings.a5_not_applicable
    extras = sum((o.points for item, o in outcomes if item.category != "base"), start=exact(0))
    base = [(item, o) for item, o in outcomes if item.category == "base"]
    scored = sum((o.points for _, o in base if o.applicable), start=exact(0))
    missing = [item for item, o in base if not o.applicable]
    if not missing:
        return scored + extras, None
    if policy == "full":
        return scored + sum((exact(item.standard) for item in missing), start=exact(0)) + extras, None
    if policy == "zero":
        return scored + extras, None
    all_standards = sum((exact(item.standard) for item, _ in base), start=exact(0))
    applicable_standards = all_standards - sum((exact(item.standard) for item in missing), start=exact(0))
    if applicable_standards <= 0:
        return extras, "no base item applies, so the base part of the total is 0"
    prorated = scored * all_standards / applicable_standards
    note = (
        f"the total's base part is prorated to the standards of the applicable items:"
        f" {fmt(scored)} × {fmt(all_standards)}/{fmt(applicable_standards)} = {fmt(prorated)}"
    )
    return prorated + extras, note


def _item_score(rule_set: RuleSet, item: Item, outcome: Outcome, proration: str | None) -> ItemScore:
    points = outcome.points
    explanation = outcome.explanation
    if not outcome.applicable and item.category == "base":
        policy = rule_set.settings.a5_not_applicable
        if policy == "full":
            points = exact(item.standard)
            explanation += f"; A5: counted at full marks → {fmt(points)}"
        elif policy == "zero":
            explanation += "; A5: counted as zero → 0"
        else:
            explanation += f"; A5: {proration}"
    return ItemScore(
        id=item.id,
        points=display(points),
        standard=item.standard,
        applicable=outcome.applicable,
        explanation=explanation,
        source_text=item.source_text,
    )
