"""The request's unit of work commits before the response leaves: a 2xx means committed, an error rolls back."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gongjian_shared.deps import UnitOfWorkDep
from gongjian_shared.errors import Conflict, install_problem_handlers


class RecordingSession:
    def __init__(self, log: list[str]) -> None:
        self.log = log

    async def __aenter__(self) -> RecordingSession:
        return self

    async def __aexit__(self, *_: object) -> None:
        self.log.append("closed")

    async def commit(self) -> None:
        self.log.append("commit")

    async def rollback(self) -> None:
        self.log.append("rollback")


def app_recording(log: list[str]) -> Any:
    app = FastAPI()
    install_problem_handlers(app)
    app.state.context = SimpleNamespace(
        sessionmaker=lambda: RecordingSession(log),
        reading_sessionmaker=lambda: RecordingSession(log),
        unit_of_work=lambda session: session,
    )

    @app.post("/ok")
    async def ok(uow: UnitOfWorkDep) -> dict[str, str]:
        log.append("route")
        return {"ok": "yes"}

    @app.post("/conflict")
    async def conflict(uow: UnitOfWorkDep) -> dict[str, str]:
        log.append("route")
        raise Conflict("no")

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        async def recording_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                log.append(f"response {message['status']}")
            await send(message)

        await app(scope, receive, recording_send)

    return asgi


@pytest.mark.asyncio
async def test_commit_happens_before_the_response_starts() -> None:
    log: list[str] = []
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app_recording(log)), base_url="http://t"
    ) as c:
        assert (await c.post("/ok")).status_code == 200
    assert log.index("commit") < log.index("response 200")


@pytest.mark.asyncio
async def test_an_error_rolls_back_before_the_problem_is_sent() -> None:
    log: list[str] = []
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app_recording(log)), base_url="http://t"
    ) as c:
        assert (await c.post("/conflict")).status_code == 409
    assert "commit" not in log
    assert log.index("rollback") < log.index("response 409")
