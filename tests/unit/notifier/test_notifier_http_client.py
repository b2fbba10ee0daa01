"""The webhook channels' HTTP/1.1 client against a scripted server on 127.0.0.1: how it frames requests and
reads the ways a response can end, and when it keeps or drops its connection."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest

from gongjian_notifier.channels.http import HttpClient, HttpError


@dataclass
class Scripted:
    """Answers each request with the next scripted reply (raw bytes; None hangs up without answering)."""

    replies: list[bytes | None]
    requests: list[tuple[int, bytes, bytes]] = field(default_factory=list)  # (connection, head, body)
    connections: int = 0
    port: int = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        number = self.connections
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                self.requests.append((number, head, await reader.readexactly(length)))
                reply = self.replies.pop(0)
                if reply is None:
                    break
                writer.write(reply)
                await writer.drain()
                if b"Connection: close" in reply or (
                    b"Content-Length" not in reply and b"chunked" not in reply
                ):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()


@asynccontextmanager
async def scripted(*replies: bytes | None) -> AsyncIterator[Scripted]:
    script = Scripted(list(replies))
    server = await asyncio.start_server(script.handle, "127.0.0.1", 0)
    script.port = server.sockets[0].getsockname()[1]
    try:
        yield script
    finally:
        server.close()


def client() -> HttpClient:
    return HttpClient(ssl.create_default_context())


async def test_a_request_carries_host_length_and_headers_and_the_connection_is_kept_for_the_next() -> None:
    ok = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"errcode":0}'
    async with scripted(ok, ok) as server:
        http = client()
        url = f"http://127.0.0.1:{server.port}/robot/send?key=k&名=值"
        first = await http.post(url, content=b'{"a":1}', headers={"X-Gongjian-Delivery": "d-1"})
        second = await http.post(url, content=b"{}", headers={"X-Gongjian-Delivery": "d-2"})
        await http.aclose()
    assert (first.status_code, first.content, second.status_code) == (200, b'{"errcode":0}', 200)
    assert server.connections == 1  # kept alive
    (_, head, body), (_, head2, _) = server.requests
    assert head.startswith(b"POST /robot/send?key=k&%E5%90%8D=%E5%80%BC HTTP/1.1\r\n")
    assert f"Host: 127.0.0.1:{server.port}\r\n".encode() in head
    assert b"Content-Length: 7\r\n" in head and body == b'{"a":1}'
    assert b"X-Gongjian-Delivery: d-1\r\n" in head and b"X-Gongjian-Delivery: d-2\r\n" in head2


async def test_a_chunked_body_is_joined_and_a_closing_server_gets_a_new_connection() -> None:
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Gongjian-Duplicate: d-1\r\n\r\n"
        b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n"
    )
    closing = b"HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Length: 4\r\n\r\noops"
    until_close = b"HTTP/1.0 200 OK\r\n\r\nto the end"
    async with scripted(chunked, closing, until_close, closing) as server:
        http = client()
        url = f"http://127.0.0.1:{server.port}/r"
        replies = [await http.post(url, content=b"x", headers={}) for _ in range(4)]
        await http.aclose()
    assert replies[0].content == b"hello world" and replies[0].headers["x-gongjian-duplicate"] == "d-1"
    assert (replies[1].status_code, replies[1].text) == (500, "oops")
    assert replies[2].content == b"to the end"
    # the chunked reply kept the connection; the close and the body that ended with it each dropped theirs
    assert [number for number, _, _ in server.requests] == [1, 1, 2, 3]


async def test_a_server_that_hangs_up_without_answering_is_an_error_and_the_next_request_reconnects() -> None:
    ok = b"HTTP/1.1 204 No Content\r\n\r\n"
    async with scripted(None, ok) as server:
        http = client()
        url = f"http://127.0.0.1:{server.port}/r"
        with pytest.raises(HttpError, match="disconnected without sending a response"):
            await http.post(url, content=b"x", headers={})
        again = await http.post(url, content=b"x", headers={})
        await http.aclose()
    assert again.status_code == 204 and again.content == b""
    assert server.connections == 2


async def test_urls_and_headers_it_cannot_send_are_refused_before_connecting() -> None:
    http = client()
    with pytest.raises(HttpError, match="unsupported URL scheme"):
        await http.post("ftp://127.0.0.1/x", content=b"", headers={})
    with pytest.raises(HttpError, match="line break"):
        await http.post("http://127.0.0.1:1/x", content=b"", headers={"X-A": "1\r\nX-Injected: 2"})
