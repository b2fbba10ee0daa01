"""Input no schema sees (unknown routes, bodies over the limit, NUL in a query or a form) and unexpected errors:
each answers RFC 9457 problem details in English and Chinese, and nothing is written."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from gongjian_shared.errors import install_problem_handlers
from gongjian_shared.service import CORRELATION_HEADER, CorrelationMiddleware
from support.platform import Platform

pytestmark = pytest.mark.asyncio


async def written(platform: Platform) -> tuple[int, int, int]:
    async with platform.context("projects-api").sessionmaker() as session:
        units = await session.scalar(text("SELECT count(*) FROM projects.units"))
        projects = await session.scalar(text("SELECT count(*) FROM projects.projects"))
        events = await session.scalar(text("SELECT count(*) FROM projects.outbox"))
    return int(units or 0), int(projects or 0), int(events or 0)


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = response.json()
    assert body["status"] == status
    assert body["title"] and body["title_zh"]
    return body


def assert_field(body: dict[str, object], field: str, rule: str) -> None:
    errors = body["errors"]
    assert isinstance(errors, list)
    matching = [e for e in errors if e["field"] == field and e["rule"] == rule]
    assert matching, errors
    name = field.rsplit(".", 1)[-1]
    assert name in matching[0]["message"] and name in matching[0]["message_zh"]


async def test_an_unknown_route_is_a_problem(platform: Platform) -> None:
    for method, path in (
        ("POST", "/api/v1/nowhere"),
        ("GET", "/nowhere"),
        ("POST", "/api/v1/units/x/nowhere"),
    ):
        response = await platform.client.request(method, path)
        body = assert_problem(response, 404)
        assert body["type"] == "/problems/not-found"


async def test_an_unknown_method_is_a_problem_with_allow(platform: Platform) -> None:
    response = await platform.client.delete("/api/v1/units")
    assert_problem(response, 405)
    assert {"GET", "POST"} <= set(response.headers["allow"].replace(" ", "").split(","))


async def test_a_json_body_over_the_limit_is_refused_before_parsing(platform: Platform) -> None:
    before = await written(platform)
    limit = platform.settings["projects-api"].http.max_json_body_bytes
    huge = b'{"name": "' + b"x" * limit + b'", "kind": "county"}'
    response = await platform.client.post(
        "/api/v1/units", content=huge, headers={"Content-Type": "application/json"}
    )
    body = assert_problem(response, 413)
    assert body["type"] == "/problems/payload-too-large"
    assert await written(platform) == before


async def test_a_streamed_body_over_the_limit_is_refused(platform: Platform) -> None:
    before = await written(platform)
    limit = platform.settings["projects-api"].http.max_json_body_bytes

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"name": "'
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536
        yield b'", "kind": "county"}'

    response = await platform.client.post(
        "/api/v1/units", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 413)
    assert await written(platform) == before


async def test_nul_in_the_sign_in_form_is_a_422_naming_the_field(platform: Platform) -> None:
    response = await platform.client.post(
        "/api/v1/auth/token", data={"username": "a\x00b", "password": "whatever"}
    )
    body = assert_problem(response, 422)
    assert_field(body, "body.username", "control_character")


async def test_nul_in_a_query_parameter_is_a_422_naming_it(platform: Platform) -> None:
    for path in ("/api/v1/projects?q=%00", "/api/v1/units?limit=1&x%01=1"):
        response = await platform.client.get(path)
        body = assert_problem(response, 422)
        assert body["type"] == "/problems/invalid-input"
    assert_field(
        (await platform.client.get("/api/v1/projects?q=a%00b")).json(), "query.q", "control_character"
    )


async def test_nul_in_a_json_name_is_a_422_and_nothing_is_stored(platform: Platform) -> None:
    before = await written(platform)
    response = await platform.client.post("/api/v1/units", json={"name": "坏\x00单位", "kind": "county"})
    body = assert_problem(response, 422)
    assert_field(body, "body.name", "control_character")
    assert await written(platform) == before


async def test_an_unexpected_error_is_a_problem_carrying_the_correlation_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(CorrelationMiddleware)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("kaboom")

    correlation_id = str(uuid.uuid4())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        with caplog.at_level(logging.ERROR, logger="gongjian"):
            response = await client.get("/boom", headers={CORRELATION_HEADER: correlation_id})
    body = assert_problem(response, 500)
    assert body["correlation_id"] == correlation_id
    assert response.headers[CORRELATION_HEADER] == correlation_id
    assert "kaboom" not in response.text
    logged = [r for r in caplog.records if correlation_id in r.getMessage()]
    assert logged and logged[0].exc_info is not None


async def test_the_database_away_is_a_503_to_retry_not_a_500(caplog: pytest.LogCaptureFixture) -> None:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(CorrelationMiddleware)

    @app.get("/refused")
    async def refused() -> None:
        raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")

    @app.get("/shutting-down")
    async def shutting_down() -> None:
        orig = type("CannotConnectNowError", (Exception,), {"sqlstate": "57P03"})(
            "the database system is shutting down"
        )
        raise DBAPIError("SELECT 1", None, orig)

    @app.get("/pool-exhausted")
    async def pool_exhausted() -> None:
        raise PoolTimeout(
            "QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00"
        )

    @app.get("/bug")
    async def bug() -> None:
        raise DBAPIError(
            "SELECT 1", None, type("UniqueViolation", (Exception,), {"sqlstate": "23505"})("dup")
        )

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        with caplog.at_level(logging.ERROR, logger="gongjian"):
            for path in ("/refused", "/shutting-down", "/pool-exhausted"):
                response = await client.get(path)
                body = assert_problem(response, 503)
                assert body["type"] == "/problems/service-unavailable", body
                assert body["title_zh"] and "nothing was changed" in body["detail"]
                assert response.headers["Retry-After"] == "5"
                assert body["correlation_id"] == response.headers[CORRELATION_HEADER]
                assert "5432" not in response.text and "shutting down" not in response.text
            assert_problem(await client.get("/bug"), 500)  # a constraint broken is no outage


async def test_an_upload_may_be_larger_than_a_json_body_but_not_past_its_own_limit(
    platform: Platform,
) -> None:
    http = platform.settings["projects-api"].http
    before = await written(platform)
    files = {"file": ("projects.xlsx", b"x" * (http.max_json_body_bytes + 1024), "application/octet-stream")}
    allowed = await platform.client.post("/api/v1/projects/import?year=2019", files=files)
    assert allowed.status_code != 413, allowed.text  # read, and refused for what it is (not a workbook)
    files = {"file": ("projects.xlsx", b"x" * (http.max_upload_bytes + 1), "application/octet-stream")}
    refused = await platform.client.post("/api/v1/projects/import?year=2019", files=files)
    assert_problem(refused, 413)
    assert await written(platform) == before


async def test_text_without_control_characters_still_passes_the_guards(platform: Platform) -> None:
    assert (await platform.client.get("/api/v1/projects", params={"q": "汉江 五桥"})).status_code == 200
    wrong = await platform.client.post("/api/v1/auth/token", data={"username": "张三", "password": "不对"})
    assert wrong.status_code == 401, wrong.text
    tab = await platform.client.get("/api/v1/projects", params={"q": "a\tb"})
    assert_field(assert_problem(tab, 422), "query.q", "control_character")
