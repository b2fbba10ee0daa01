"""Requests that only read (GET, HEAD) run without a transaction and may not write; the pool does not ping a
connection on every checkout, yet replaces one the server closed; a read that meets a dropped connection is
answered again once, a write is not (issue 16: the read path without BEGIN/COMMIT and pre-ping)."""

from __future__ import annotations

import asyncio
import inspect
import uuid
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import SecretStr
from sqlalchemy import insert, text
from sqlalchemy.exc import DBAPIError
from starlette.types import Receive, Scope, Send

from gongjian.assembly import PlatformSettings, service_settings
from gongjian.services import SERVICES
from gongjian_projects.models import Unit
from gongjian_shared.db import (
    WriteInReadingSession,
    create_engine,
    create_sessionmaker,
    reading_sessionmaker,
    unit_of_work,
)
from gongjian_shared.service import CorrelationMiddleware
from gongjian_shared.settings import DatabaseSettings


def _engine(database_url: str, pool_size: int = 1) -> Any:
    return create_engine(DatabaseSettings(url=SecretStr(database_url), pool_size=pool_size, max_overflow=0))


async def test_a_reading_session_sends_each_statement_on_its_own(database_url: str) -> None:
    engine = _engine(database_url)
    try:
        # inside a transaction now() is the transaction's start: two statements apart see the same instant
        async with unit_of_work(create_sessionmaker(engine)) as session:
            first = (await session.execute(text("SELECT now()"))).scalar_one()
            await session.execute(text("SELECT pg_sleep(0.05)"))
            again = (await session.execute(text("SELECT now()"))).scalar_one()
            in_transaction = (
                await session.execute(text("SELECT txid_current_if_assigned() IS NULL"))
            ).scalar()
        assert first == again and in_transaction is True
        async with unit_of_work(reading_sessionmaker(engine)) as session:
            first = (await session.execute(text("SELECT now()"))).scalar_one()
            await session.execute(text("SELECT pg_sleep(0.05)"))
            again = (await session.execute(text("SELECT now()"))).scalar_one()
        assert (
            again - first
        ).total_seconds() >= 0.05  # each statement its own transaction: no BEGIN was sent
    finally:
        await engine.dispose()


async def test_a_reading_session_refuses_to_write(database_url: str) -> None:
    engine = _engine(database_url)
    unit = {"id": uuid.uuid4(), "name": "读会话", "kind": "county"}
    try:
        with pytest.raises(WriteInReadingSession):
            async with unit_of_work(reading_sessionmaker(engine)) as session:
                await session.execute(insert(Unit).values(**unit))
        with pytest.raises(WriteInReadingSession):
            async with unit_of_work(reading_sessionmaker(engine)) as session:
                session.add(Unit(**unit))
        async with engine.connect() as connection:
            stored = await connection.scalar(text("SELECT count(*) FROM projects.units WHERE id = :id"), unit)
        assert stored == 0
    finally:
        await engine.dispose()


async def test_a_pooled_connection_the_server_closed_is_replaced_without_an_error(database_url: str) -> None:
    engine = _engine(database_url)
    try:
        async with engine.connect() as connection:
            pid = await connection.scalar(text("SELECT pg_backend_pid()"))
        killer = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
        try:
            assert await killer.fetchval("SELECT pg_terminate_backend($1)", pid)
        finally:
            await killer.close()
        # the pooled connection hears its socket close; the next checkout replaces it instead of failing
        for _ in range(100):
            raw = await engine.raw_connection()
            closed = raw.driver_connection.is_closed()  # type: ignore[union-attr]
            raw.close()
            if closed:
                break
            await asyncio.sleep(0.02)
        async with unit_of_work(reading_sessionmaker(engine)) as session:
            new_pid = (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        assert new_pid != pid
    finally:
        await engine.dispose()


class _LostOnce:
    """An app whose first call meets a connection the network dropped, as asyncpg reports it."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        if self.calls == 1:
            lost = asyncpg.exceptions.ConnectionDoesNotExistError(
                "connection was closed in the middle of operation"
            )
            raise DBAPIError("SELECT 1", None, lost, connection_invalidated=True)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


@pytest.mark.parametrize(("method", "status", "calls"), [("GET", 200, 2), ("HEAD", 200, 2), ("POST", 503, 1)])
async def test_a_read_meeting_a_dropped_connection_is_answered_again_once(
    method: str, status: int, calls: int
) -> None:
    app = _LostOnce()
    transport = httpx.ASGITransport(app=CorrelationMiddleware(app, log_requests=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        response = await client.request(method, "/api/v1/projects")
    assert (response.status_code, app.calls) == (status, calls)
    if status == 503:  # a write is never sent twice: the client is told to try again
        assert response.headers["Retry-After"]


def _plain_functions(dependant: Dependant) -> set[str]:
    found = set()
    for sub in dependant.dependencies:
        call = sub.call
        waits = inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call)
        waits = waits or inspect.iscoroutinefunction(getattr(call, "__call__", None))  # noqa: B004
        if call is not None and not waits:
            found.add(f"{call.__module__}.{getattr(call, '__qualname__', call)}")
        found |= _plain_functions(sub)
    return found


def _routes(routes: list[Any]) -> list[APIRoute]:
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):  # FastAPI's included routers
            found += _routes(route.original_router.routes)
    return found


def test_no_route_waits_for_a_dependency_in_the_thread_pool() -> None:
    """FastAPI runs a dependency that is a plain function in its thread pool: a hand-off to a thread and back
    on every request, for functions that wait for nothing. Every dependency is a coroutine."""
    plain: dict[str, set[str]] = {}
    counted = 0
    for entry in SERVICES:
        settings = service_settings(
            entry, "postgresql+asyncpg://nobody@127.0.0.1/none", PlatformSettings(), None
        )
        for route in _routes(entry.create_app(settings).router.routes):
            counted += 1
            for name in _plain_functions(route.dependant):
                plain.setdefault(name, set()).add(f"{sorted(route.methods)[0]} {route.path}")
    assert counted > 200
    assert plain == {}
