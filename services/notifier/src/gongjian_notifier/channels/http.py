"""HTTP for the webhook and SMS channels: one aiohttp session, its connections kept alive and shared.

A delivery is one small POST answered by a small body; aiohttp's client does that for a fraction of the CPU
httpx spent in its own layers. The session is made inside the running loop on the first request (aiohttp
binds it to that loop) and closed with the channels. It verifies TLS with one shared context (costly to
build), follows no redirects, keeps no cookies and takes no proxy from the environment.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from yarl import URL

MAX_BODY_BYTES = 1 << 20  # a robot answers a few bytes of JSON; more is not a robot
USER_AGENT = "gongjian-notifier"


class HttpError(Exception):
    """A request refused before it is sent (a bad URL or header), or a response too large to read."""


@dataclass(frozen=True)
class Response:
    """A response as the channels read it; header names case-insensitive."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    @property
    def text(self) -> str:
        _, _, charset = self.headers.get("content-type", "").partition("charset=")
        encoding = charset.split(";")[0].strip().strip('"') or "utf-8"
        try:
            return self.content.decode(encoding, errors="replace")
        except LookupError:  # a charset Python does not know
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


def failure_text(exc: BaseException) -> str:
    """How a failed exchange reads in the audit: a connector's error by the OS or TLS error underneath."""
    if isinstance(exc, aiohttp.ClientConnectorError):
        exc = exc.os_error
    return f"{type(exc).__name__}: {exc}"


def _checked(url: str, headers: Mapping[str, str]) -> URL:
    try:
        parsed = URL(url)
    except ValueError as exc:
        raise HttpError(f"invalid URL: {exc}") from exc
    if parsed.scheme not in ("http", "https"):
        raise HttpError(f"unsupported URL scheme {parsed.scheme!r}")
    if not parsed.host:
        raise HttpError("the URL has no host")
    for name, value in headers.items():
        if any(c in name or c in value for c in "\r\n\0"):
            raise HttpError(f"header {name!r} holds a line break")
    return parsed


class HttpClient:
    """At most `connections` exchanges at once (the channels' concurrency), over as many kept-alive
    connections; a caller waits for a slot (`slot`) before its exchange's time starts."""

    def __init__(self, connections: int) -> None:
        self._connections = connections
        self._tls = ssl.create_default_context()
        self._session: aiohttp.ClientSession | None = None
        self._slots: asyncio.Semaphore | None = None

    def _session_here(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections, ssl=self._tls)
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": USER_AGENT},
                skip_auto_headers=("Accept-Encoding",),
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,
            )
        return self._session

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._connections)
        async with self._slots:
            yield

    async def post(self, url: str, *, content: bytes, headers: Mapping[str, str], timeout: float) -> Response:
        return await self.request("POST", url, content=content, headers=headers, timeout=timeout)

    async def request(
        self, method: str, url: str, *, content: bytes, headers: Mapping[str, str], timeout: float
    ) -> Response:
        """One exchange bounded as a whole in `timeout` seconds (connecting and the body included)."""
        target = _checked(url, headers)
        async with self._session_here().request(
            method,
            target,
            data=content,
            headers=headers,
            allow_redirects=False,
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            if (response.content_length or 0) > MAX_BODY_BYTES:
                raise HttpError("response body over 1 MiB")
            body = bytearray()
            while chunk := await response.content.read(MAX_BODY_BYTES + 1 - len(body)):
                body += chunk
                if len(body) > MAX_BODY_BYTES:
                    raise HttpError("response body over 1 MiB")
            return Response(response.status, response.headers, bytes(body))

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()
