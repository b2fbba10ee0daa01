"""Every deep link a notification carries names a real GET route of one of the four services."""

from __future__ import annotations

import re
from typing import Any

import pytest

from gongjian.services import SERVICES
from gongjian_notifier.notifications import links

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@pytest.fixture(scope="module")
def get_routes() -> list[tuple[re.Pattern[str], dict[str, Any]]]:
    routes = []
    for entry in SERVICES:
        document = entry.create_app(entry.settings_class()).openapi()
        for path, item in document["paths"].items():
            if "get" in item:
                routes.append((re.compile("^" + PLACEHOLDER.sub("[^/]+", path) + "$"), item["get"]))
    return routes


def resolve(template: str, routes: list[tuple[re.Pattern[str], dict[str, Any]]]) -> dict[str, Any] | None:
    path, _, query = template.partition("?")
    concrete = links.API_PREFIX + PLACEHOLDER.sub("0f2d4c4e-8a56-4d4e-9d55-3f1e6f3c1a7b", path)
    for pattern, operation in routes:
        if pattern.match(concrete):
            known = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            asked = {pair.partition("=")[0] for pair in query.split("&") if pair}
            return operation if asked <= known else None
    return None


@pytest.mark.parametrize("template", links.TEMPLATES)
def test_the_link_names_a_route_that_exists(
    template: str, get_routes: list[tuple[re.Pattern[str], dict[str, Any]]]
) -> None:
    assert resolve(template, get_routes) is not None, f"{template} names no GET route (with its query)"


def test_a_link_to_nowhere_is_caught(get_routes: list[tuple[re.Pattern[str], dict[str, Any]]]) -> None:
    assert resolve("/meetings/{meeting_id}/topics/{topic_id}", get_routes) is None
    assert resolve("/inbox?color=red", get_routes) is None


def test_every_link_the_planners_write_comes_from_the_catalogue_of_links() -> None:
    from pathlib import Path

    import gongjian_notifier

    root = Path(gongjian_notifier.__file__).parent
    literal = re.compile(
        r"""f?["'](/(?:meetings|topics|resolutions|projects|progress-reports|ledger|inbox|notifications)\b[^"']*)["']"""
    )
    found = {
        f"{path.relative_to(root)}: {match.group(1)}"
        for path in root.rglob("*.py")
        if path.name != "links.py"
        for match in literal.finditer(path.read_text(encoding="utf-8"))
        if not match.group(1).startswith("/api/")
    }
    assert not found, f"link paths written outside links.py: {sorted(found)}"
