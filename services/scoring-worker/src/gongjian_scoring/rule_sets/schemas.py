from __future__ import annotations

from pydantic import BaseModel

from gongjian_scoring.engine.rules import RuleSet, UnitKind
from gongjian_shared.pagination import Page
from gongjian_shared.types import Instant


class RuleSetSummary(BaseModel):
    """A version of a rule set (考核评分表版本); `published` once a published assessment uses it."""

    id: str
    version: int
    revision: int
    year: int
    unit_kind: UnitKind
    title: str
    builtin: bool
    published: bool
    created_by: str
    created_at: Instant
    updated_at: Instant


class RuleSetOut(RuleSetSummary):
    """A version of a rule set with its items, parameters, settings A1-A15 and source text."""

    rule_set: RuleSet


class RuleSetSummaryPage(Page[RuleSetSummary]):
    """One page of rule sets (考核评分表)."""
