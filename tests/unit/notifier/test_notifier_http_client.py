"""The webhook and SMS channels' poster (aiohttp) against a scripted server on 127.0.0.1: what a push puts on
the wire, the connection it keeps, and the outcome each way a sink can answer (or not) turns into."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest
from pydantic import SecretStr

from gongjian_notifier.channels.base import Message, Outcome
from gongjian_notifier.channels.http import HttpClient, HttpError
from gongjian_notifier.channels.sms import SmsChannel
from gongjian_notifier.channels.webhooks import WeComChannel
from gongjian_notifier.settings import SmsSettings

HANG = b"hang"  # a scripted reply: read the request, answer nothing until the test ends


@dataclass
class Scripted:
    """Answers each request with the next scripted reply: raw bytes sent as they are, where bytes ending in
    HANG are sent without that marker and the connection then stays silent."""

    replies: list[bytes]
    requests: list[tuple[int, bytes, bytes]] = field(default_factory=list)  # (connection, head, body)
    connections: int = 0
    port: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)

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
                writer.write(reply.removesuffix(HANG))
                await writer.drain()
                if reply.endswith(HANG):
                    await self.done.wait()
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@asynccontextmanager
async def scripted(*replies: bytes) -> AsyncIterator[Scripted]:
    script = Scripted(list(replies))
    server = await asyncio.start_server(script.handle, "127.0.0.1", 0)
    script.port = server.sockets[0].getsockname()[1]
    try:
        yield script
    finally:
        script.done.set()
        server.close()
        await server.wait_closed()


@asynccontextmanager
async def http_client() -> AsyncIterator[HttpClient]:
    client = HttpClient(4)
    try:
        yield client
    finally:
        await client.aclose()


def reply(status: str, body: bytes = b"", *headers: str) -> bytes:
    head = "".join(f"{header}\r\n" for header in headers)
    return f"HTTP/1.1 {status}\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode() + body


def message(key: str, address: str) -> Message:
    return Message(
        delivery_id=1,
        key=key,
        address=address,
        recipient_name="张联络",
        title="【催报】进度尚未报送",
        body="汉滨区：尚有 2 个项目未报送。",
        link="http://127.0.0.1:8000/progress-reports",
    )


def header(head: bytes, name: bytes) -> bytes | None:
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name.lower():
            return value.strip()
    return None


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_push_posts_its_json_with_the_delivery_headers_and_the_next_reuses_the_connection() -> None:
    ok = reply("200 OK", b'{"errcode":0}', "Content-Type: application/json")
    async with scripted(ok, ok) as server, http_client() as client:
        channel = WeComChannel(client, 2.0)
        first = await channel.send([message("d-1", server.url("/cgi-bin/webhook/send?key=k&名=值"))])
        second = await channel.send([message("d-2", server.url("/cgi-bin/webhook/send?key=k"))])
    assert first == second == [Outcome.delivered()]
    assert server.connections == 1  # kept alive between the two pushes
    (one, head, body), (two, head2, _) = server.requests
    assert (one, two) == (1, 1)
    assert head.startswith(b"POST /cgi-bin/webhook/send?key=k&%E5%90%8D=%E5%80%BC HTTP/1.1\r\n")
    assert header(head, b"Host") == f"127.0.0.1:{server.port}".encode()
    assert header(head, b"Content-Type") == b"application/json"
    assert header(head, b"User-Agent") == b"gongjian-notifier"
    assert header(head, b"Content-Length") == str(len(body)).encode()
    assert (header(head, b"X-Gongjian-Delivery"), header(head2, b"X-Gongjian-Delivery")) == (b"d-1", b"d-2")
    payload = json.loads(body)
    assert payload["msgtype"] == "markdown"
    assert payload["markdown"]["content"].startswith("### 【催报】进度尚未报送")


async def test_a_500_is_retried_a_404_fails_and_a_duplicate_is_delivered_with_the_receivers_words() -> None:
    async with (
        scripted(
            reply("500 Internal Server Error", b"oops"),
            reply("404 Not Found", b"no such robot"),
            reply("200 OK", b"{}", "X-Gongjian-Duplicate: d-3"),
        ) as server,
        http_client() as client,
    ):
        channel = WeComChannel(client, 2.0)
        outcomes = [await channel.send([message(f"d-{i}", server.url("/r"))]) for i in (1, 2, 3)]
    assert outcomes[0] == [Outcome.retry("HTTP 500: oops")]
    assert outcomes[1] == [Outcome.failed("HTTP 404: no such robot")]
    assert outcomes[2][0].status == "delivered"
    assert (outcomes[2][0].error or "").endswith("X-Gongjian-Duplicate: d-3")


async def test_a_sink_that_never_answers_or_stalls_in_the_body_is_retried_as_a_timeout() -> None:
    stalls = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{" + HANG
    async with scripted(HANG, stalls) as server, http_client() as client:
        channel = WeComChannel(client, 0.3)
        started = time.monotonic()
        outcomes = await channel.send(
            [message("d-1", server.url("/silent")), message("d-2", server.url("/s"))]
        )
        elapsed = time.monotonic() - started
    assert outcomes == [Outcome.retry("timeout after 0.3s (TimeoutError)")] * 2
    assert len(server.requests) == 2
    assert 0.3 <= elapsed < 2.0


async def test_a_refused_connection_is_retried_with_the_operating_systems_words() -> None:
    port = closed_port()
    async with http_client() as client:
        [outcome] = await WeComChannel(client, 2.0).send([message("d-1", f"http://127.0.0.1:{port}/r")])
    assert outcome.status == "retry"
    assert (outcome.error or "").startswith("ConnectionRefusedError: ")
    assert str(port) in (outcome.error or "")


async def test_a_body_over_one_mebibyte_is_not_read() -> None:
    big = b"x" * ((1 << 20) + 1)
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"".join(
        b"%x\r\n%s\r\n" % (len(part), part) for part in (big[: 1 << 19], big[1 << 19 :])
    )
    async with scripted(reply("200 OK", big), chunked + b"0\r\n\r\n") as server, http_client() as client:
        channel = WeComChannel(client, 5.0)
        declared = await channel.send([message("d-1", server.url("/r"))])
        streamed = await channel.send([message("d-2", server.url("/r"))])
    assert declared == streamed == [Outcome.retry("HttpError: response body over 1 MiB")]


async def test_urls_and_header_values_it_cannot_send_are_refused_before_connecting() -> None:
    async with scripted() as server, http_client() as client:
        with pytest.raises(HttpError, match="unsupported URL scheme 'ftp'"):
            await client.post(f"ftp://127.0.0.1:{server.port}/x", content=b"", headers={}, timeout=1.0)
        settings = SmsSettings(
            url=server.url("/sms"),
            auth_header="X-Api-Key",
            auth_value=SecretStr("key\r\nX-Injected: 1"),
            body_template="{{ text }}",
        )
        [outcome] = await SmsChannel(settings, client).send([message("d-1", "13800000002")])
    assert outcome == Outcome.retry("HttpError: header 'X-Api-Key' holds a line break")
    assert server.connections == 0
