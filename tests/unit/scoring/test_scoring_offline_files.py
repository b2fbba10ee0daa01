"""The existing offline facts files score exactly as before (issue 12, acceptance): every facts file of
`offline/` against the sheet `gongjian score` printed for it with the previous release."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from gongjian_scoring.engine.cli import main

OFFLINE = Path(__file__).parent / "offline"
FILES = sorted(OFFLINE.glob("*.facts.json"))
# A6 revised: at most 5 advanced departments (the only change of the built-in rule sets since)
DEPARTMENT_AWARD_CAP = 5


def score(rule_set: str, facts: Path) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main(["--rule-set", rule_set, "--facts", str(facts)], stdout=out, stderr=err) == 0, err.getvalue()
    return out.getvalue()


def expected_of(facts: Path) -> str:
    return facts.with_name(facts.name.replace(".facts.json", ".sheet.json")).read_text(encoding="utf-8")


def rule_set_of(facts: Path) -> str:
    rule_set: str = json.loads(facts.read_text(encoding="utf-8"))["rule_set"]
    return rule_set


def test_there_are_files_of_both_sheets() -> None:
    assert {rule_set_of(f) for f in FILES} == {"2019-county", "2019-department"} and len(FILES) >= 6


@pytest.mark.parametrize("facts", FILES, ids=lambda path: path.name)
def test_a_facts_file_scores_exactly_as_before_with_the_rule_set_it_was_scored_with(facts: Path) -> None:
    previous = OFFLINE / "previous-rule-sets" / f"{rule_set_of(facts)}.json"
    assert score(str(previous), facts) == expected_of(facts)


def capped(sheet: dict[str, Any]) -> dict[str, Any]:
    """The sheet as A6 revised hands out the department awards: the first five, in ranking order."""
    given = 0
    for unit in sheet["units"]:
        if unit["award"] == "advanced":
            given += 1
            unit["award"] = unit["award"] if given <= DEPARTMENT_AWARD_CAP else None
    return sheet


@pytest.mark.parametrize("facts", FILES, ids=lambda path: path.name)
def test_a_facts_file_scores_as_before_with_the_builtin_rule_set_but_for_the_award_cap(facts: Path) -> None:
    rule_set = rule_set_of(facts)
    now, before = score(rule_set, facts), expected_of(facts)
    if rule_set == "2019-county":
        assert now == before
    else:
        assert json.loads(now) == capped(json.loads(before))
