"""HTTP/1.1 for the webhook and SMS channels: a pool of one-connection clients, handed out from a queue.

A delivery is one small POST answered by a small body. httpx spent most of a push's CPU in its own layers
(request and header models, auth and redirect handling, anyio, the connection pool's bookkeeping): about
0.6 ms a request, the largest share of the notifier's CPU at a few hundred pushes a second. This client does
only what a delivery needs, on asyncio streams: HTTP and HTTPS (the server's certificate verified against the
system's authorities, one TLS context shared by every client), a keep-alive connection per client reused while
the origin stays the same, a body read by Content-Length, chunked or until the close. It follows no redirects
and takes no proxy or cookies from the environment, as the httpx clients were set up before. The caller bounds
each exchange in time (`webhooks.post_each`); an exchange cut short drops its connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
import urllib.parse
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

MAX_BODY_BYTES = 1 << 20  # a robot answers a few bytes of JSON; more is not a robot
USER_AGENT = "gongjian-notifier"
_TARGET_SAFE = "/?&=%:@!$'()*+,;~-._[]"


class HttpError(Exception):
    """The exchange failed short of a response: a bad URL, a protocol error, a server that hung up."""


@dataclass(frozen=True)
class Response:
    """A response as the channels read it; header names in lower case."""

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


@dataclass(frozen=True)
class _Origin:
    scheme: str
    host: str
    port: int


def _parse(url: str) -> tuple[_Origin, bytes, str]:
    """The URL's origin, its Host header and its request target (non-ASCII percent-encoded)."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise HttpError(f"invalid URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise HttpError(f"unsupported URL scheme {scheme!r}")
    host = parts.hostname
    if not host:
        raise HttpError("the URL has no host")
    default = 443 if scheme == "https" else 80
    origin = _Origin(scheme, host, port or default)
    authority = f"[{host}]" if ":" in host else host if host.isascii() else host.encode("idna").decode()
    host_header = authority if origin.port == default else f"{authority}:{origin.port}"
    target = urllib.parse.quote(parts.path or "/", safe=_TARGET_SAFE)
    if parts.query:
        target += "?" + urllib.parse.quote(parts.query, safe=_TARGET_SAFE)
    return origin, host_header.encode("ascii"), target


def _header_lines(headers: Mapping[str, str]) -> bytes:
    lines = []
    for name, value in headers.items():
        if any(c in name or c in value for c in "\r\n\0"):
            raise HttpError(f"header {name!r} holds a line break")
        lines.append(f"{name}: {value}\r\n")
    return "".join(lines).encode("latin-1", errors="strict")


class HttpClient:
    """One connection at a time, kept alive between requests to the same origin."""

    def __init__(self, tls: ssl.SSLContext) -> None:
        self._tls = tls
        self._origin: _Origin | None = None
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def post(self, url: str, *, content: bytes, headers: Mapping[str, str]) -> Response:
        return await self.request("POST", url, content=content, headers=headers)

    async def request(self, method: str, url: str, *, content: bytes, headers: Mapping[str, str]) -> Response:
        origin, host, target = _parse(url)
        head = (
            f"{method} {target} HTTP/1.1\r\n".encode("ascii")
            + b"Host: "
            + host
            + f"\r\nUser-Agent: {USER_AGENT}\r\nContent-Length: {len(content)}\r\n".encode("ascii")
            + _header_lines(headers)
            + b"\r\n"
        )
        try:
            reader, writer = await self._connection(origin)
            writer.write(head + content)
            await writer.drain()
            response, keep = await _read_response(reader, method)
        except BaseException:
            self._drop()  # cut short (an error, a timeout, a cancellation): the connection's state is unknown
            raise
        if not keep:
            self._drop()
        return response

    async def _connection(self, origin: _Origin) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        reader, writer = self._reader, self._writer
        alive = reader is not None and writer is not None and not reader.at_eof() and not writer.is_closing()
        if alive and origin == self._origin:
            assert reader is not None and writer is not None
            return reader, writer
        self._drop()
        https = origin.scheme == "https"
        reader, writer = await asyncio.open_connection(
            origin.host,
            origin.port,
            ssl=self._tls if https else None,
            server_hostname=origin.host if https else None,
        )
        self._origin, self._reader, self._writer = origin, reader, writer
        return reader, writer

    def _drop(self) -> None:
        writer = self._writer
        self._origin, self._reader, self._writer = None, None, None
        if writer is not None:
            writer.close()

    async def aclose(self) -> None:
        writer = self._writer
        self._drop()
        if writer is not None:
            with contextlib.suppress(Exception):
                await writer.wait_closed()


async def _read_response(reader: asyncio.StreamReader, method: str) -> tuple[Response, bool]:
    """The final response (informational ones skipped) and whether the connection may be used again."""
    while True:
        line = await reader.readline()
        if not line:
            raise HttpError("Server disconnected without sending a response.")
        version, _, rest = line.decode("latin-1").rstrip("\r\n").partition(" ")
        code = rest[:3]
        if not version.startswith("HTTP/1.") or not code.isdigit():
            raise HttpError(f"not an HTTP/1.x status line: {line[:100]!r}")
        status = int(code)
        headers = await _read_headers(reader)
        if status >= 200:
            break
    connection = headers.get("connection", "").lower()
    keep = connection != "close" and (version == "HTTP/1.1" or connection == "keep-alive")
    if method == "HEAD" or status in (204, 304):
        return Response(status, headers, b""), keep
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return Response(status, headers, await _read_chunked(reader)), keep
    length = headers.get("content-length")
    if length is not None:
        if not length.strip().isdigit() or int(length) > MAX_BODY_BYTES:
            raise HttpError(f"bad or oversized Content-Length {length[:40]!r}")
        return Response(status, headers, await reader.readexactly(int(length))), keep
    body = await reader.read(MAX_BODY_BYTES + 1)
    while (
        body and len(body) <= MAX_BODY_BYTES and (more := await reader.read(MAX_BODY_BYTES + 1 - len(body)))
    ):
        body += more
    if len(body) > MAX_BODY_BYTES:
        raise HttpError("response body over 1 MiB")
    return Response(status, headers, body), False  # a body that ends with the close


async def _read_headers(reader: asyncio.StreamReader) -> dict[str, str]:
    headers: dict[str, str] = {}
    for _ in range(200):
        line = await reader.readline()
        if line in (b"\r\n", b"\n"):
            return headers
        if not line:
            raise HttpError("Server disconnected in the middle of the headers.")
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon:
            raise HttpError(f"malformed header line {line[:100]!r}")
        key = name.strip().lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    raise HttpError("more than 200 response headers")


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        size_line = (await reader.readline()).split(b";")[0].strip()
        try:
            size = int(size_line, 16)
        except ValueError as exc:
            raise HttpError(f"bad chunk size {size_line[:40]!r}") from exc
        if size == 0:
            await _read_headers(reader)  # the trailer, ended by an empty line
            return bytes(body)
        if len(body) + size > MAX_BODY_BYTES:
            raise HttpError("response body over 1 MiB")
        body += await reader.readexactly(size)
        await reader.readexactly(2)  # the chunk's CRLF


class ClientPool:
    """`size` clients (the channels' concurrency); one TLS context, costly to build, shared by all."""

    def __init__(self, size: int) -> None:
        tls = ssl.create_default_context()
        self._clients = [HttpClient(tls) for _ in range(size)]
        self._idle: asyncio.Queue[HttpClient] = asyncio.Queue()
        for client in self._clients:
            self._idle.put_nowait(client)

    @asynccontextmanager
    async def client(self) -> AsyncIterator[HttpClient]:
        client = await self._idle.get()
        try:
            yield client
        finally:
            self._idle.put_nowait(client)

    async def aclose(self) -> None:
        for client in self._clients:
            await client.aclose()
