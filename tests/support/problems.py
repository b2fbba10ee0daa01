"""Assertions on problem details (RFC 9457) shared by the services' contract tests."""

from __future__ import annotations

from typing import Any

import httpx


def problem(response: httpx.Response, status: int, field: str) -> dict[str, Any]:
    """The problem of `response`: its status, problem+json, an error naming `field`, titles and messages in
    Chinese too."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    fields = [e["field"] for e in body["errors"]]
    assert any(f == field or f.endswith(f".{field}") for f in fields), fields
    assert body["title_zh"] and all(e["message_zh"] for e in body["errors"])
    return body
