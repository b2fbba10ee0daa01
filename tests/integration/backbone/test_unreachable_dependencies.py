"""A service started with its database or broker unreachable says so, stays unready, and keeps retrying."""

from __future__ import annotations

import asyncio
import logging
import socket

import httpx
import pytest
from pydantic import SecretStr

from gongjian_scoring.app import create_app
from gongjian_scoring.settings import ScoringSettings
from support.platform import TEST_AUTH

pytestmark = pytest.mark.asyncio


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_database_unreachable_at_start(caplog: pytest.LogCaptureFixture) -> None:
    settings = ScoringSettings(environment="test", auth=TEST_AUTH)
    settings = settings.model_copy(
        update={
            "database": settings.database.model_copy(
                update={"url": SecretStr(f"postgresql+asyncpg://nobody@127.0.0.1:{closed_port()}/none")}
            ),
            "bus": settings.bus.model_copy(
                update={"poll_interval_seconds": 0.1, "retry_backoff_seconds": 0.05}
            ),
        }
    )
    app = create_app(settings)
    with caplog.at_level(logging.WARNING):
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
        ):
            assert (await client.get("/healthz")).status_code == 200
            ready = await client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["database"] is False
            await asyncio.sleep(0.5)
            runner = app.state.context.bus.consumers[0]
            assert runner.stats.connected is False
            assert runner.stats.last_error
            assert not any(task.done() for task in app.state.context.bus._tasks)
    assert any("database is unreachable at start" in record.getMessage() for record in caplog.records)
    assert any("retrying" in record.getMessage() for record in caplog.records)


@pytest.mark.usefixtures("postgres")
async def test_broker_unreachable_at_start(database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    settings = ScoringSettings(environment="test", auth=TEST_AUTH)
    settings = settings.model_copy(
        update={
            "database": settings.database.model_copy(update={"url": SecretStr(database_url)}),
            "bus": settings.bus.model_copy(update={"kind": "kafka", "retry_backoff_seconds": 0.05}),
            "kafka": settings.kafka.model_copy(
                update={"bootstrap": f"127.0.0.1:{closed_port()}", "request_timeout_ms": 1000}
            ),
        }
    )
    app = create_app(settings)
    with caplog.at_level(logging.WARNING):
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
        ):
            ready = await client.get("/readyz")
            assert ready.status_code == 503
            body = ready.json()
            assert body["database"] is True
            assert body["bus"]["reachable"] is False
            await asyncio.sleep(1.5)
            assert not any(task.done() for task in app.state.context.bus._tasks)
    assert any(
        "kafka consumer" in record.getMessage() and "retrying" in record.getMessage()
        for record in caplog.records
    )
