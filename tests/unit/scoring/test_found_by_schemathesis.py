"""What schemathesis found in scoring's input handling, kept as plain tests: each was a 500 before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from gongjian_scoring.engine import rules
from gongjian_scoring.engine.errors import FactsError
from gongjian_scoring.engine.facts import parse_facts
from gongjian_scoring.engine.rules import RuleSet, parse_rule_set


def _county_rule_set() -> dict[str, Any]:
    path = Path(rules.__file__).with_name("rule_sets") / "2019-county.json"
    document: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return document


def test_a_rule_set_decimal_written_in_other_digits_is_a_validation_error_naming_it() -> None:
    document = _county_rule_set()
    document["items"][0]["standard"] = "１"  # KeyError('money_format') while re-raising, before
    assert parse_rule_set(json.dumps(_county_rule_set())).id == "2019-county"  # the document itself is fine
    with pytest.raises(ValidationError) as caught:
        RuleSet.model_validate(document)
    assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [
        (("items", 0, "standard"), "money_format")
    ]


@pytest.mark.parametrize("field", ["unit", "rule_set"])
def test_a_nul_in_a_facts_string_is_refused_not_stored(field: str) -> None:
    document: dict[str, Any] = {"rule_set": "2019-county", "year": 2019, "as_of": "2019-12-31"}
    document["units"] = [{"unit": "汉滨区"}]
    if field == "unit":
        document["units"][0]["unit"] = "汉滨\x00区"  # PostgreSQL refused it with a 500, before
    else:
        document["rule_set"] = "2019\x00county"
    with pytest.raises(FactsError) as caught:
        parse_facts(json.dumps(document))
    assert any(detail["type"] == "control_character" for detail in caught.value.errors)
