"""schemathesis hooks: the rules a document cannot state, taught to the generator from the services' own code.

A few request models check a rule across their fields (a reporting window's times in order, red above yellow,
a project's completion not before its start, a judgement's date inside its year), which JSON Schema cannot
express, and the password policy refuses common passwords and the username. A positive case that breaks such a
rule is not valid input, so it is dropped before it is sent, judged by the services' own code: the body field of
the route the operation is (its model validators), `consistency_problems`, `policy_errors`, and the registry's
`parse_code` (a code's year and month, which the pattern cannot pin) and `month_plan_fits` (twelve months adding
up to the year's planned investment). Nothing is restated here, and negative
cases are sent as generated. Loaded by `SCHEMATHESIS_HOOKS=schemathesis_hooks` (test_schemathesis.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import schemathesis
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

from gongjian.services import SERVICES
from gongjian_projects.identity.passwords import policy_errors
from gongjian_projects.projects.codes import ANKANG_PREFIX, normal_region, parse_code
from gongjian_projects.projects.service import month_plan_fits
from gongjian_scoring.engine.facts import FactsDocument, consistency_problems
from gongjian_shared.contract import INPUT_SUFFIX
from gongjian_shared.errors import _flat_routes
from gongjian_shared.types import CROSS_FIELD


def _body_fields() -> dict[tuple[str, str], Any]:
    """(method, path template) -> the route's body field, across the four services."""
    fields: dict[tuple[str, str], Any] = {}
    for entry in SERVICES:
        app = entry.create_app(entry.settings_class())
        for route in _flat_routes(app.router.routes):
            original = getattr(route, "original_route", route)
            if isinstance(original, APIRoute) and original.body_field is not None:
                for method in original.methods:
                    fields[(method, route.path_format)] = original.body_field
    return fields


BODY_FIELDS = _body_fields()


def _input_models() -> dict[str, type[BaseModel]]:
    """Request models by component name, for the bodies a route reads itself (`<Model>-Input`)."""
    found: dict[str, type[BaseModel]] = {}
    pending: list[type[BaseModel]] = [BaseModel]
    while pending:
        for child in pending.pop().__subclasses__():
            if child.__module__.startswith("gongjian_"):
                found.setdefault(child.__name__ + INPUT_SUFFIX, child)
            pending.append(child)
    return found


INPUT_MODELS = _input_models()


def _body_field(case: Any) -> Any:
    field = BODY_FIELDS.get((case.method.upper(), case.operation.path))
    if field is not None:
        return field
    content = case.operation.definition.raw.get("requestBody", {}).get("content", {})
    reference = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    model = INPUT_MODELS.get(reference.rsplit("/", 1)[-1])
    return None if model is None else _ModelField(model)


class _ModelField:
    """A request model read as FastAPI reads a body field: (value, errors with locations under `body`)."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model

    def validate(self, value: Any, values: Any, *, loc: tuple[str, ...]) -> tuple[Any, list[dict[str, Any]]]:
        try:
            return self.model.model_validate(value), []
        except ValidationError as error:
            return None, [{**detail, "loc": (*loc, *detail["loc"])} for detail in error.errors()]


def _breaks_a_cross_field_rule(case: Any) -> bool:
    field = _body_field(case)
    if field is None or not isinstance(case.body, dict):
        return False
    _, errors = field.validate(case.body, {}, loc=("body",))
    # a rule across fields says so (`cross_field`, raised by model validators); a field's own error names
    # the field, and stays a finding
    return any(error["type"] == CROSS_FIELD for error in errors or ())


def _inconsistent_facts(case: Any) -> bool:
    """A facts document listing a unit or project twice, or dated after its own as-of (`consistency_problems`)."""
    if (case.method.upper(), case.operation.path) != ("POST", "/api/v1/scoring/facts/imports"):
        return False
    try:
        document = FactsDocument.model_validate(case.body)
    except ValidationError:
        return False
    return bool(consistency_problems(document, document.as_of))


def _weak_password(case: Any) -> bool:
    body = case.body if isinstance(case.body, dict) else {}
    password = body.get("initial_password")
    return isinstance(password, str) and bool(policy_errors(password, str(body.get("username", ""))))


def _impossible_code(code: Any, plan_year: Any) -> bool:
    """A code no unit may carry: no valid shape, a region outside Ankang (every unit's codes lie in 6109xx), or
    a year after the plan year. Whether the region is the unit's county the body cannot tell (fuzzed unit ids
    name no unit anyway)."""
    parsed = parse_code(code) if isinstance(code, str) else None
    if parsed is None:
        return isinstance(code, str)
    if not normal_region(parsed.region).startswith(ANKANG_PREFIX):
        return True
    return isinstance(plan_year, int) and parsed.year > plan_year


def _breaks_a_registry_rule(case: Any) -> bool:
    """A project body whose code is impossible (`_impossible_code`), a legacy code that is not a pre-2020 code
    beside a current one, or a registration whose months miss the annual amount; a lookup by a code of no
    valid shape."""
    if case.operation.path == "/api/v1/projects/by-code/{code}":
        return parse_code(str((case.path_parameters or {}).get("code"))) is None
    if case.operation.path not in ("/api/v1/projects", "/api/v1/projects/{project_id}"):
        return False
    body = case.body if isinstance(case.body, dict) else {}
    code, legacy = body.get("code"), body.get("legacy_code")
    parsed = parse_code(code) if isinstance(code, str) else None
    if any(_impossible_code(text, body.get("year")) for text in (code, legacy) if text is not None):
        return True
    if isinstance(legacy, str):
        old = parse_code(legacy)
        if old is None or old.shape != "pre-2020" or parsed is None or parsed.shape != "current":
            return True
    months, annual = body.get("planned_by_month"), body.get("planned_investment_10k")
    if case.method.upper() == "POST" and isinstance(months, list) and annual is not None:
        try:
            return not month_plan_fits([Decimal(str(m)) for m in months], Decimal(str(annual)))
        except ArithmeticError:
            return False
    return False


@schemathesis.hook
def filter_case(context: Any, case: Any) -> bool:
    meta = case.meta
    if meta is not None and meta.generation.mode.is_negative:
        return True
    return not (
        _breaks_a_cross_field_rule(case)
        or _inconsistent_facts(case)
        or _weak_password(case)
        or _breaks_a_registry_rule(case)
    )
