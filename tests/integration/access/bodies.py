"""Minimal schema-valid requests from an OpenAPI operation, so the access check (not validation) decides.

Required properties only; enums take their first value; uuid/date/date-time formats, minimum lengths, numbers
and item counts are met; `$ref`, `allOf`, `anyOf`/`oneOf` are resolved; an object schema's first example is the
starting point when it has one. Ids are not invented where the matrix knows the object: a property or parameter
named after an object kind (`project_id`, `unit_id`, ...) takes the id of the cell's object.
"""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook

#: the fixed calendar of the matrix (the frozen clock stands in the open reporting window of May 2019)
YEAR, MONTH, QUARTER = 2019, 5, 2
TODAY = "2019-05-26"
NOW = "2019-05-26T10:00:00+08:00"


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    json: Any = None
    data: dict[str, Any] | None = None
    files: dict[str, tuple[str, bytes, str]] | None = None


def tiny_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["名称"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX = tiny_xlsx()
#: values by property name where the first enum value would ask for more than the cell is about
#: (granting `admin` is refused to everyone but an admin)
PATTERN_CANDIDATES = ("1", "matrix-client", "matrix", "matrix_client", "a" * 64, "text/plain", "0" * 64, "M1")
HINTS: dict[str, Any] = {"roles": ["reporter"], "scopes": ["projects:read"]}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Generator:
    def __init__(self, document: dict[str, Any], ids: dict[str, str], credentials: dict[str, str]) -> None:
        self.document = document
        self.ids = ids  # object kind (parameter/property name) -> id of the cell's object
        self.credentials = credentials  # username/password for sign-in forms

    # --- schemas -------------------------------------------------------------------------------------------
    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        seen = 0
        while "$ref" in schema and seen < 20:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self.document["components"]["schemas"][name] | {
                k: v for k, v in schema.items() if k != "$ref"
            }
            seen += 1
        if "allOf" in schema:
            merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
            for part in schema["allOf"]:
                part = self.resolve(part)
                merged.setdefault("properties", {}).update(part.get("properties", {}))
                merged["required"] = [*merged.get("required", []), *part.get("required", [])]
                for key, value in part.items():
                    merged.setdefault(key, value)
            schema = merged
        for key in ("anyOf", "oneOf"):
            if key in schema:
                options = [self.resolve(s) for s in schema[key]]
                chosen = next((s for s in options if s.get("type") != "null"), options[0])
                schema = {k: v for k, v in schema.items() if k != key} | chosen
        return schema

    def value(self, schema: dict[str, Any], name: str = "", depth: int = 0) -> Any:
        schema = self.resolve(schema)
        if name in HINTS:
            return HINTS[name]
        if name in self.ids and schema.get("type") in ("string", None):
            return self.ids[name]
        if name.endswith("_ids") and name[:-1] in self.ids and schema.get("type") == "array":
            return [self.ids[name[:-1]]]
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            return schema["enum"][0]
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            return self.obj(schema, depth)
        if kind == "array":
            count = max(int(schema.get("minItems", 0)), 0)
            item = schema.get("items", {})
            return [self.value(item, name.removesuffix("s"), depth + 1) for _ in range(count)]
        if kind == "integer":
            return self.number(schema, name, integer=True)
        if kind == "number":
            return self.number(schema, name, integer=False)
        if kind == "boolean":
            return False
        if kind == "string" or kind is None:
            return self.string(schema, name)
        return None

    def obj(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        examples = schema.get("examples")
        result: dict[str, Any] = {}
        if isinstance(examples, list) and examples and isinstance(examples[0], dict):
            result = dict(examples[0])
        properties = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in result or key in self.ids:
                result[key] = self.value(properties.get(key, {}), key, depth + 1)
        for key in list(result):
            if key in self.ids and key in properties:
                result[key] = self.value(properties[key], key, depth + 1)
        if not result and depth == 0:
            # a change (PATCH) with nothing in it is refused as invalid: send one harmless field
            for key, prop in properties.items():
                value = self.value(prop, key, depth + 1)
                if value is not None and not key.endswith("_id"):
                    result[key] = value
                    break
        return result

    def number(self, schema: dict[str, Any], name: str, *, integer: bool) -> Any:
        if name == "year":
            return YEAR
        if name == "month":
            return MONTH
        if name == "quarter":
            return QUARTER
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        high = schema.get("maximum")
        value = max(low + (1 if "exclusiveMinimum" in schema else 0), 1)
        if high is not None:
            value = min(value, high)
        return int(value) if integer else value

    def string(self, schema: dict[str, Any], name: str) -> str:
        fmt = schema.get("format")
        if fmt == "uuid":
            return str(uuid.uuid4())
        if fmt == "date":
            return TODAY
        if fmt == "date-time":
            return NOW
        if fmt == "email":
            return "matrix@example.org"
        if name == "grant_type":
            return "password"
        if name == "password" and "password" in self.credentials:
            return self.credentials["password"]
        if name == "username" and "username" in self.credentials:
            return self.credentials["username"]
        if schema.get("pattern"):
            shortest, longest = int(schema.get("minLength", 0)), int(schema.get("maxLength", 10_000))
            for candidate in PATTERN_CANDIDATES:
                fits = shortest <= len(candidate) <= longest
                if fits and re.fullmatch(schema["pattern"].removeprefix("^").removesuffix("$"), candidate):
                    return candidate
        minimum = int(schema.get("minLength", 1))
        text = "矩阵测试" * (minimum // 4 + 1)
        return text[: max(minimum, min(4, int(schema.get("maxLength", 4))))]

    # --- requests ------------------------------------------------------------------------------------------
    def request(
        self, method: str, template: str, operation: dict[str, Any], path_values: dict[str, str]
    ) -> Request:
        path = template
        request = Request(method=method.upper(), path=template)
        for parameter in operation.get("parameters", []):
            parameter = self.resolve(parameter)
            name, where = parameter["name"], parameter["in"]
            if where == "path":
                value = path_values.get(name)
                if value is None:
                    value = str(self.value(parameter.get("schema", {}), name))
                path = path.replace("{" + name + "}", value)
            elif parameter.get("required"):
                value = self.value(parameter.get("schema", {}), name)
                if where == "query":
                    request.params[name] = value
                elif where == "header" and name.lower() != "if-match":  # the run puts in the object's ETag
                    request.headers[name] = str(value)
        request.path = path
        body = operation.get("requestBody")
        if body:
            body = self.resolve(body)
            content = body.get("content", {})
            if "application/json" in content:
                schema = content["application/json"].get("schema", {})
                request.json = self.value(schema)
            elif "multipart/form-data" in content:
                schema = self.resolve(content["multipart/form-data"].get("schema", {}))
                request.files, request.data = {}, {}
                for key, prop in schema.get("properties", {}).items():
                    prop = self.resolve(prop)
                    if prop.get("format") == "binary" or prop.get("contentMediaType"):
                        request.files[key] = ("matrix.xlsx", XLSX, XLSX_TYPE)
                    elif key in schema.get("required", []):
                        request.data[key] = str(self.value(prop, key))
            elif "application/x-www-form-urlencoded" in content:
                schema = self.resolve(content["application/x-www-form-urlencoded"].get("schema", {}))
                request.data = {
                    key: str(self.value(prop, key))
                    for key, prop in schema.get("properties", {}).items()
                    if key in schema.get("required", []) or key in ("grant_type",)
                }
        return request
