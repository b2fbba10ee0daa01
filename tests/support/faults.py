"""Faults a test injects into the real servers it runs against, without blocking the event loop the services
run on: PostgreSQL stopped and started again on the same data directory and port, and a TCP door (a port that
refuses connections until it is opened, then forwards them to a real server)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from gongjian.infra.postgres import EmbeddedPostgres


async def stop_postgres(server: EmbeddedPostgres) -> None:
    """Stop the server (fast: sessions are ended), keeping its port for `start_postgres`."""
    server._requested_port = server.port  # the restart binds the same port the services' URLs name
    await asyncio.to_thread(server.stop, "fast")


async def start_postgres(server: EmbeddedPostgres) -> None:
    await asyncio.to_thread(server.start)


@asynccontextmanager
async def postgres_shutting_down(server: EmbeddedPostgres, database_url: str) -> AsyncIterator[None]:
    """The server in its "shutting down" state (a smart shutdown, held by one open session): new sessions are
    refused with 57P03, as while a restart goes on. Leaving stops it for good (fast); start it again after."""
    server._requested_port = server.port
    held = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    smart = asyncio.create_task(asyncio.to_thread(server.stop, "smart", 60))
    try:
        await _refusing_new_sessions(database_url)
        yield
    finally:
        await asyncio.to_thread(server.stop, "fast")
        held.terminate()
        await smart


async def _refusing_new_sessions(database_url: str) -> None:
    for _ in range(200):
        try:
            async with engine_for(database_url) as probe, probe.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:
            if "shutting down" in str(exc):
                return
            raise
        await asyncio.sleep(0.05)
    raise AssertionError("the server never started shutting down")


def reserved_port() -> int:
    """A free port on 127.0.0.1 that nothing listens on (until a `TcpDoor` opens it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class TcpDoor:
    """A port on 127.0.0.1: closed (connections refused) until `open()`, then forwarding to `target`."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.port = reserved_port()
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()
        self.connections = 0

    async def open(self) -> None:
        self._server = await asyncio.start_server(self._forward, "127.0.0.1", self.port, reuse_address=True)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for pipe in list(self._pipes):
            pipe.cancel()
        if self._pipes:
            await asyncio.wait(list(self._pipes), timeout=5)
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 5)

    async def _forward(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        self.connections += 1
        try:
            server_reader, server_writer = await asyncio.open_connection(*self._target)
        except OSError:
            client_writer.close()
            return
        for reader, writer in ((client_reader, server_writer), (server_reader, client_writer)):
            task = asyncio.create_task(_pipe(reader, writer))
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def ready(app: FastAPI) -> tuple[int, dict[str, Any]]:
    """One service's /readyz: status and body."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ready") as client:
        response = await client.get("/readyz")
    body: dict[str, Any] = response.json()
    return response.status_code, body


@asynccontextmanager
async def engine_for(url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(url, pool_pre_ping=True)
    try:
        yield engine
    finally:
        await engine.dispose()


async def rows(engine: AsyncEngine, sql: str, **params: Any) -> list[Any]:
    async with engine.connect() as connection:
        return list((await connection.execute(text(sql), params)).all())


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"
