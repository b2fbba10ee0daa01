"""The assessment core (年度考核): rule sets as data, the facts document, and the pure score computation."""

from gongjian_scoring.assessment.engine import compute, compute_unit, is_provisional
from gongjian_scoring.assessment.errors import FactsError, FactsErrorDetail
from gongjian_scoring.assessment.facts import FactsDocument, UnitFacts, parse_facts
from gongjian_scoring.assessment.ranking import award_count, rank_units
from gongjian_scoring.assessment.rules import (
    RuleSet,
    UnknownRuleSetError,
    builtin_rule_set_ids,
    load_builtin_rule_set,
    load_rule_set_file,
    parse_rule_set,
)
from gongjian_scoring.assessment.sheet import ItemScore, ScoreSheet, UnitResult, UnitScore

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
