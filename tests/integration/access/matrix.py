"""The access matrix's cells, generated from the services' OpenAPI documents, and how each is run."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
from integration.access import expectations
from integration.access.bodies import Generator
from integration.access.principals import KINDS, headers_for
from integration.access.world import BODY_OBJECT_FIELDS, OWNED_KINDS, OWNERS, World

from support.platform import ADMIN_PASSWORD

#: the counts of the last run, for the terminal summary (conftest.py reads it)
SUMMARY: list[str] = []
METHODS = ("get", "put", "post", "patch", "delete")
NO_OBJECT = "-"
#: path parameters that are not objects: calendar values and enumerations, always real
CALENDAR = {"year", "month", "quarter", "procedure"}
#: operations after which the object may be gone (a later 404 for an allowed caller is then an allow)
TERMINAL = re.compile(r"(/(cancel|withdraw|dismiss|merge|reject|close|disable)$)")
#: operations that end the caller's own session: run last
SESSION_ENDING = {("POST", "/api/v1/auth/logout"), ("POST", "/api/v1/auth/password")}
#: writes that replace what other operations' objects hang on (a unit's contacts are the notifier's people):
#: run after the other writes
LATE = {("PATCH", "/api/v1/units/{unit_id}")}


@dataclass(frozen=True)
class Operation:
    service: str
    method: str  # upper case
    template: str
    spec: dict[str, Any] = field(compare=False, hash=False, repr=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.template)

    @property
    def mutating(self) -> bool:
        return self.method != "GET"


@dataclass(frozen=True)
class Cell:
    operation: Operation
    principal: str
    owner: str  # own / other / child, or NO_OBJECT

    @property
    def expected(self) -> frozenset[str]:
        return expectations.expected(
            self.operation.method, self.operation.template, self.principal, self.owner
        )


def operations(world: World) -> list[Operation]:
    found = []
    for name, app in world.platform.gateway.apps.items():
        for template, item in app.openapi()["paths"].items():
            for method in METHODS:
                if method in item:
                    found.append(Operation(name, method.upper(), template, item[method]))
    return found


def path_kinds(operation: Operation) -> list[str]:
    return re.findall(r"\{([^}]+)\}", operation.template)


def body_object_fields(world: World, operation: Operation) -> list[str]:
    body = operation.spec.get("requestBody")
    if not body:
        return []
    document = world.platform.app(operation.service).openapi()
    generator = Generator(document, {}, {})
    content = generator.resolve(body).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    if schema is None:
        return []
    schema = generator.resolve(schema)
    names = set(schema.get("required", []))
    examples = schema.get("examples")
    if isinstance(examples, list) and examples and isinstance(examples[0], dict):
        names |= set(examples[0])
    return [name for name in BODY_OBJECT_FIELDS if name in names]


def owners_of(world: World, operation: Operation) -> tuple[str, ...]:
    owned = [kind for kind in path_kinds(operation) if kind in OWNED_KINDS]
    if owned or body_object_fields(world, operation):
        return OWNERS
    return (NO_OBJECT,)


def object_kind(operation: Operation) -> str | None:
    """The innermost owned path parameter: what a terminal operation may make disappear."""
    owned = [kind for kind in path_kinds(operation) if kind in OWNED_KINDS]
    return owned[-1] if owned else None


def batches(world: World, found: Iterable[Operation]) -> list[list[Cell]]:
    """The cells in batches run one after the other; the cells of a batch run concurrently.

    All reads form one batch. Then, one operation at a time, its refused cells (which must change nothing)
    form one batch and each allowed cell its own, so no allowed write changes an object before the refusals on
    it are checked. Operations that may make their object disappear (cancel, withdraw, ...) come after the
    other writes, and the ones ending the caller's own session (logout, password change) last of all."""
    reads: list[Cell] = []
    writes: list[list[Cell]] = []
    late: list[list[Cell]] = []
    terminal: list[list[Cell]] = []
    ending: list[list[Cell]] = []
    for operation in found:
        group = [Cell(operation, who, owner) for owner in owners_of(world, operation) for who in KINDS]
        group = [cell for cell in group if cell.expected]
        if not operation.mutating:
            reads.extend(group)
            continue
        refused = [cell for cell in group if "allow" not in cell.expected]
        allowed = [[cell] for cell in group if "allow" in cell.expected]
        steps = [refused, *allowed] if refused else allowed
        if operation.key in SESSION_ENDING:
            ending.extend(steps)
        elif TERMINAL.search(operation.template):
            terminal.extend(steps)
        elif operation.key in LATE:
            late.extend(steps)
        else:
            writes.extend(steps)
    return [reads, *writes, *late, *terminal, *ending]


# 403s that are not an access refusal: the caller may call the operation, and what it sent failed a check
# (the matrix cannot know a minted principal's current password)
NOT_ACCESS_REFUSALS = frozenset({"/problems/wrong-current-password"})


def classify(status: int, problem_type: str = "") -> str:
    if status == 401:
        return "unauth"
    if status == 403:
        return "allow" if problem_type in NOT_ACCESS_REFUSALS else "deny"
    if status == 404:
        return "hidden"
    if status >= 500:
        return "error"
    return "allow"


def adjusted(expected: frozenset[str], invented: bool) -> frozenset[str]:
    """A made-up id names nothing: an allowed caller gets 404, a refused one 403 or 404."""
    if not invented:
        return expected
    result = set(expected - {"allow", "deny"})
    if "allow" in expected:
        result.add("hidden")
    if "deny" in expected:
        result |= {"deny", "hidden"}
    return frozenset(result)


@dataclass
class Outcome:
    cell: Cell
    expected: frozenset[str]
    observed: str
    status: int
    detail: str
    invented: bool


async def run(world: World, cell: Cell) -> Outcome:
    """Send the cell's request as its principal; classify the answer."""
    operation = cell.operation
    owner = cell.owner if cell.owner != NO_OBJECT else "own"
    ids = dict(world.ids[owner]) if cell.owner != NO_OBJECT else {}
    document = world.platform.app(operation.service).openapi()
    generator = Generator(document, world.shared | ids, {"username": "admin", "password": ADMIN_PASSWORD})
    path_values: dict[str, str] = {}
    parameters = {
        p["name"]: p
        for p in (generator.resolve(p) for p in operation.spec.get("parameters", []))
        if p["in"] == "path"
    }
    for kind in path_kinds(operation):
        if kind in OWNED_KINDS:
            path_values[kind] = world.id_of(owner, kind)
        elif kind in world.shared:
            path_values[kind] = world.shared[kind]
        else:
            schema = generator.resolve(parameters.get(kind, {}).get("schema", {}))
            value = generator.value(schema, kind)
            if kind not in CALENDAR:
                value = 987654321 if schema.get("type") == "integer" else value  # surely no such row
                world.invented.add(str(value))
            path_values[kind] = str(value)
    invented = any(value in world.invented for value in path_values.values())
    request = generator.request(operation.method, operation.template, operation.spec, path_values)
    headers = headers_for(world.tokens[cell.principal]) | request.headers
    if any(
        p["in"] == "header" and p["name"].lower() == "if-match"
        for p in map(generator.resolve, operation.spec.get("parameters", []))
    ):
        # the object's current ETag, read as the office, so a precondition does not answer for the access check
        current = await world.clients[operation.service].get(request.path, headers=world.office_headers)
        if "ETag" in current.headers:
            headers["If-Match"] = current.headers["ETag"]
    kwargs: dict[str, Any] = {"params": request.params, "headers": headers}
    if request.json is not None:
        kwargs["json"] = request.json
    if request.data is not None:
        kwargs["data"] = request.data
    if request.files:
        kwargs["files"] = request.files
    response = await world.clients[operation.service].request(operation.method, request.path, **kwargs)
    return Outcome(
        cell,
        adjusted(cell.expected, invented),
        classify(response.status_code, _problem_type(response)),
        response.status_code,
        summary(response),
        invented,
    )


def _problem_type(response: httpx.Response) -> str:
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        return str(response.json().get("type", ""))
    return ""


def summary(response: httpx.Response) -> str:
    """A problem's type and the fields it names, else the start of the body."""
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        problem = response.json()
        fields = ", ".join(f"{e.get('field')}:{e.get('rule')}" for e in problem.get("errors", []))
        return f"{problem.get('type')} {problem.get('detail', '')[:80]} [{fields}]"
    return response.text[:120].replace("\n", " ")
