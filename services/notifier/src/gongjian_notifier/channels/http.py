"""HTTP clients for the webhook channels: a pool of one-connection clients.

One client with many pooled connections costs O(connections) per request in httpcore (it scans every
connection whenever it assigns one); clients of one connection each, handed out from a queue, cost O(1).
They share one TLS context, which is costly to build.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx


class ClientPool:
    def __init__(self, size: int) -> None:
        tls = ssl.create_default_context()
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        self._clients = [
            httpx.AsyncClient(limits=limits, verify=tls, follow_redirects=False, trust_env=False)
            for _ in range(size)
        ]
        self._idle: asyncio.Queue[httpx.AsyncClient] = asyncio.Queue()
        for client in self._clients:
            self._idle.put_nowait(client)

    @asynccontextmanager
    async def client(self) -> AsyncIterator[httpx.AsyncClient]:
        client = await self._idle.get()
        try:
            yield client
        finally:
            self._idle.put_nowait(client)

    async def aclose(self) -> None:
        for client in self._clients:
            await client.aclose()
