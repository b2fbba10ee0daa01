"""The compatibility rule of event versions: the checker flags every breaking change and passes additive ones,
and today's schemas keep the rule against the last release's."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from gongjian_shared.events.compatibility import (
    breaking_changes,
    contract_files,
    incompatibilities,
    latest_release,
)
from gongjian_shared.events.schemas import render_schemas

# The shape pydantic writes: a nested model in $defs, a nullable field, an enum, a list of nested models.
RELEASED: dict[str, Any] = {
    "$defs": {
        "Contact": {
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string"},
                "role": {"enum": ["leader", "liaison"], "type": "string"},
            },
            "required": ["name", "role"],
            "type": "object",
        }
    },
    "additionalProperties": False,
    "properties": {
        "project_id": {"format": "uuid", "type": "string"},
        "year": {"type": "integer"},
        "kind": {"enum": ["key", "prephase", "planned"], "type": "string"},
        "code": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "lead": {"anyOf": [{"$ref": "#/$defs/Contact"}, {"type": "null"}], "default": None},
        "contacts": {"items": {"$ref": "#/$defs/Contact"}, "type": "array", "default": []},
    },
    "required": ["project_id", "year", "kind", "code"],
    "type": "object",
}

Change = Callable[[dict[str, Any]], None]


def changed(change: Change) -> dict[str, Any]:
    schema = copy.deepcopy(RELEASED)
    change(schema)
    return schema


def _remove(schema: dict[str, Any]) -> None:
    del schema["properties"]["year"]
    schema["required"].remove("year")


def _retype(schema: dict[str, Any]) -> None:
    schema["properties"]["year"] = {"type": "string"}


def _not_nullable(schema: dict[str, Any]) -> None:
    schema["properties"]["code"] = {"type": "string"}


def _require_new(schema: dict[str, Any]) -> None:
    schema["properties"]["stage"] = {"type": "string"}
    schema["required"].append("stage")


def _require_existing(schema: dict[str, Any]) -> None:
    schema["required"].append("lead")


def _drop_enum_value(schema: dict[str, Any]) -> None:
    schema["properties"]["kind"]["enum"].remove("planned")


def _nested_remove(schema: dict[str, Any]) -> None:
    del schema["$defs"]["Contact"]["properties"]["role"]
    schema["$defs"]["Contact"]["required"].remove("role")


def _nested_enum(schema: dict[str, Any]) -> None:
    schema["$defs"]["Contact"]["properties"]["role"]["enum"] = ["leader"]


def _list_to_object(schema: dict[str, Any]) -> None:
    schema["properties"]["contacts"] = {"$ref": "#/$defs/Contact"}


BREAKING: dict[str, tuple[Change, str]] = {
    "a property removed": (_remove, "#/year: property removed"),
    "a type changed": (_retype, "#/year: type changed from ['integer'] to ['string']"),
    "null no longer allowed": (_not_nullable, "#/code: type changed from ['null', 'string'] to ['string']"),
    "a new required property": (_require_new, "#/stage: newly required"),
    "an optional property made required": (_require_existing, "#/lead: newly required"),
    "an enum value removed": (_drop_enum_value, '#/kind: enum value removed: "planned"'),
    "a nested property removed": (_nested_remove, "#/lead/role: property removed"),
    "a nested enum value removed, in a list": (
        _nested_enum,
        '#/contacts/items/role: enum value removed: "liaison"',
    ),
    "a list made an object": (_list_to_object, "#/contacts: type changed from ['array'] to ['object']"),
}


@pytest.mark.parametrize("name", list(BREAKING))
def test_the_checker_flags_a_breaking_change(name: str) -> None:
    change, expected = BREAKING[name]
    assert expected in breaking_changes(RELEASED, changed(change))


def _additive(schema: dict[str, Any]) -> None:
    schema["properties"]["identity_id"] = {
        "anyOf": [{"format": "uuid", "type": "string"}, {"type": "null"}],
        "default": None,
    }
    schema["properties"]["kind"]["enum"].append("attraction")
    schema["$defs"]["Contact"]["properties"]["phone"] = {
        "anyOf": [{"type": "string"}, {"type": "null"}],
        "default": None,
    }
    schema["properties"]["year"]["description"] = "The plan year."


def test_an_additive_change_passes() -> None:
    assert breaking_changes(RELEASED, changed(_additive)) == []
    assert breaking_changes(RELEASED, RELEASED) == []


def test_a_contract_may_go_only_after_a_release_that_published_its_successor() -> None:
    v1 = {"project-registered.v1.json": RELEASED}
    assert incompatibilities(v1, {}) == [
        "project-registered.v1.json: removed without a newer version published beside it in the release"
    ]
    assert incompatibilities(v1, {"project-registered.v2.json": changed(_remove)})  # v2 alone is not enough
    both = v1 | {"project-registered.v2.json": changed(_remove)}
    assert incompatibilities(both, {"project-registered.v2.json": changed(_remove)}) == []


def test_the_current_event_schemas_keep_the_rule_against_the_last_release() -> None:
    released = contract_files(latest_release())
    assert released, f"no released schemas in {latest_release()}"
    problems = incompatibilities(released, render_schemas())
    assert problems == [], (
        "a change breaks released event contracts; publish a new version instead "
        "(shared/src/gongjian_shared/events/README.md):\n" + "\n".join(problems)
    )
