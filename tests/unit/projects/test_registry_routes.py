"""The registry's routes keep the front-end conventions: Idempotency-Key on every POST, If-Match on every
PATCH, every path under a public prefix, problem details documented."""

from __future__ import annotations

from typing import Any

import pytest

from gongjian_projects.app import PUBLIC_PREFIXES, create_app
from gongjian_projects.settings import ProjectsSettings


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    schema: dict[str, Any] = create_app(ProjectsSettings()).openapi()
    return schema


def operations(openapi: dict[str, Any], method: str) -> list[tuple[str, dict[str, Any]]]:
    return [(path, item[method]) for path, item in openapi["paths"].items() if method in item]


def headers_of(operation: dict[str, Any]) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}


# Sign-in and session calls, and the calls that show a password or client secret once: a replayed answer would
# have to keep that secret in the idempotency table, so these take no Idempotency-Key (a retried account
# creation answers 409 username-taken instead).
NOT_REPLAYED = {
    "/api/v1/auth/token",
    "/api/v1/auth/refresh",
    "/api/v1/auth/logout",
    "/api/v1/auth/password",
    "/api/v1/accounts",
    "/api/v1/accounts/import",
    "/api/v1/accounts/{account_id}/password-reset",
    "/api/v1/service-accounts",
    "/api/v1/service-accounts/{account_id}/secret",
}


def test_every_post_takes_an_idempotency_key(openapi: dict[str, Any]) -> None:
    posts = operations(openapi, "post")
    assert len(posts) > 20
    missing = [
        path for path, op in posts if path not in NOT_REPLAYED and "Idempotency-Key" not in headers_of(op)
    ]
    assert not missing
    assert {path for path, _ in posts} >= NOT_REPLAYED, "an exemption names a route that is gone"


def test_every_patch_needs_if_match(openapi: dict[str, Any]) -> None:
    patches = operations(openapi, "patch")
    assert {path for path, _ in patches} >= {"/api/v1/projects/{project_id}", "/api/v1/units/{unit_id}"}
    assert all("If-Match" in headers_of(op) and "412" in op["responses"] for _, op in patches)


def test_every_path_is_under_a_public_prefix(openapi: dict[str, Any]) -> None:
    api_paths = [path for path in openapi["paths"] if path.startswith("/api/")]
    assert all(path.startswith(PUBLIC_PREFIXES) for path in api_paths)


def test_writes_document_their_problems_and_bodies_have_examples(openapi: dict[str, Any]) -> None:
    for method in ("post", "patch", "put"):
        for path, op in operations(openapi, method):
            assert "422" in op["responses"], (method, path)
    schemas = openapi["components"]["schemas"]
    for name in (
        "ProjectCreate",
        "ProgressReportCreate",
        "ObstacleCreate",
        "RecognitionApply",
        "RemovalRequest",
    ):
        assert schemas[name].get("examples"), name
