"""The compatibility rule of event versions, as a check of one JSON Schema against its released form.

Within one version an event only gains optional fields (with defaults). A change that removes a field, changes
a field's types, makes a field required that was not, or removes an enum value breaks consumers written
against the released schema: it needs a new version, published beside the old one for one release.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

Schema = Mapping[str, Any]

RELEASED_DIR = Path(__file__).parent / "released"
_CONTRACT_FILE = re.compile(r"^(?P<type>[a-z-]+)\.v(?P<version>\d+)\.json$")
_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}


def breaking_changes(released: Schema, current: Schema) -> list[str]:
    """What `current` breaks of `released`, one line each (JSON pointer and rule); empty when additive."""
    return list(_compare(released, released, current, current, "#"))


def _resolve(root: Schema, schema: Schema) -> Schema:
    """Follow local `$ref`s (`#/$defs/...`), as pydantic writes them."""
    seen = 0
    while "$ref" in schema and seen < 32:
        node: Any = root
        for part in str(schema["$ref"]).removeprefix("#/").split("/"):
            node = node[part]
        schema, seen = node, seen + 1
    return schema


def _variants(root: Schema, schema: Schema) -> list[Schema]:
    schema = _resolve(root, schema)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return [variant for item in schema[key] for variant in _variants(root, item)]
    return [schema]


def _types(root: Schema, schema: Schema) -> set[str]:
    """The JSON types a value may have (an object, an array, a string...)."""
    found: set[str] = set()
    for variant in _variants(root, schema):
        if "type" in variant:
            kinds = variant["type"]
            found |= set(kinds) if isinstance(kinds, list) else {kinds}
        elif "const" in variant:
            found.add(_JSON_TYPES.get(type(variant["const"]), "object"))
        elif "enum" in variant:
            found |= {_JSON_TYPES.get(type(value), "object") for value in variant["enum"]}
        elif "properties" in variant:
            found.add("object")
        else:
            found.add("any")
    return found


def _enum_values(root: Schema, schema: Schema) -> set[str] | None:
    """Every allowed value when the schema limits them (enum or const), else None."""
    values: set[str] = set()
    for variant in _variants(root, schema):
        if "enum" in variant:
            values |= {json.dumps(value) for value in variant["enum"]}
        elif "const" in variant:
            values.add(json.dumps(variant["const"]))
        elif variant.get("type") != "null":
            return None
    return values


def _objects(root: Schema, schema: Schema) -> Iterator[Schema]:
    return (variant for variant in _variants(root, schema) if "properties" in variant)


def _arrays(root: Schema, schema: Schema) -> Iterator[Schema]:
    return (variant for variant in _variants(root, schema) if variant.get("type") == "array")


def _compare(old_root: Schema, old: Schema, new_root: Schema, new: Schema, where: str) -> Iterator[str]:
    old_types, new_types = _types(old_root, old), _types(new_root, new)
    if old_types != new_types:
        yield f"{where}: type changed from {sorted(old_types)} to {sorted(new_types)}"
        return
    old_values, new_values = _enum_values(old_root, old), _enum_values(new_root, new)
    if old_values is not None:
        removed = old_values - (new_values if new_values is not None else old_values)
        if removed:
            yield f"{where}: enum value removed: {', '.join(sorted(removed))}"
    for old_object, new_object in zip(_objects(old_root, old), _objects(new_root, new), strict=False):
        yield from _compare_object(old_root, old_object, new_root, new_object, where)
    for old_array, new_array in zip(_arrays(old_root, old), _arrays(new_root, new), strict=False):
        if "items" in old_array and "items" in new_array:
            yield from _compare(old_root, old_array["items"], new_root, new_array["items"], f"{where}/items")


def _compare_object(
    old_root: Schema, old: Schema, new_root: Schema, new: Schema, where: str
) -> Iterator[str]:
    old_properties, new_properties = old.get("properties", {}), new.get("properties", {})
    newly_required = set(new.get("required", ())) - set(old.get("required", ()))
    for name in sorted(newly_required):
        yield f"{where}/{name}: newly required"
    for name, old_property in old_properties.items():
        if name not in new_properties:
            yield f"{where}/{name}: property removed"
            continue
        yield from _compare(old_root, old_property, new_root, new_properties[name], f"{where}/{name}")


def contract_files(folder: Path) -> dict[str, Schema]:
    """The schema files of one folder (`<type>.v<version>.json` and `envelope.json`), by file name."""
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))}


def latest_release() -> Path:
    """The folder of the last release's schemas, `released/<version>/`."""
    folders = [path for path in RELEASED_DIR.iterdir() if path.is_dir()]
    return max(folders, key=lambda path: tuple(int(part) for part in path.name.split(".")))


def incompatibilities(released: Mapping[str, Schema], current: Mapping[str, Schema]) -> list[str]:
    """Every break of the rule between the released and the current schema files.

    A released contract may disappear only when the release also published a newer version of that type
    (the two were published side by side for that release).
    """
    problems: list[str] = []
    for name, old in sorted(released.items()):
        if name in current:
            problems += [f"{name} {line}" for line in breaking_changes(old, current[name])]
        elif not _has_successor(name, released):
            problems.append(f"{name}: removed without a newer version published beside it in the release")
    return problems


def _has_successor(name: str, released: Mapping[str, Schema]) -> bool:
    match = _CONTRACT_FILE.match(name)
    if match is None:
        return False
    event_type, version = match["type"], int(match["version"])
    return any(
        (other := _CONTRACT_FILE.match(candidate)) is not None
        and other["type"] == event_type
        and int(other["version"]) > version
        for candidate in released
    )
