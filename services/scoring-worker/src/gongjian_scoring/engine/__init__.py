"""The scoring engine (考核评分): rule sets as data, the facts document, and the pure score computation.

Pure: no database, no clock, no events. What the service stores and publishes of its results lives beside it:
live scores in `scores/`, published assessments in `assessments/`.
"""

from gongjian_scoring.engine.compute import compute, compute_unit, is_provisional
from gongjian_scoring.engine.errors import FactsError, FactsErrorDetail
from gongjian_scoring.engine.facts import FactsDocument, UnitFacts, parse_facts
from gongjian_scoring.engine.ranking import award_count, rank_units
from gongjian_scoring.engine.rules import (
    RuleSet,
    UnknownRuleSetError,
    builtin_rule_set_ids,
    load_builtin_rule_set,
    load_rule_set_file,
    parse_rule_set,
)
from gongjian_scoring.engine.sheet import ItemScore, ScoreSheet, UnitResult, UnitScore

__all__ = [
    "FactsDocument",
    "FactsError",
    "FactsErrorDetail",
    "ItemScore",
    "RuleSet",
    "ScoreSheet",
    "UnitFacts",
    "UnitResult",
    "UnitScore",
    "UnknownRuleSetError",
    "award_count",
    "builtin_rule_set_ids",
    "compute",
    "compute_unit",
    "is_provisional",
    "load_builtin_rule_set",
    "load_rule_set_file",
    "parse_facts",
    "parse_rule_set",
    "rank_units",
]
