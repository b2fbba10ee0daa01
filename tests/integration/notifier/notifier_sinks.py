"""Real local sinks for the notifier's channels: an SMTP server (aiosmtpd) and a tiny HTTP/1.1 receiver.

Both listen on 127.0.0.1 on a free port and can be told to misbehave: refuse a mailbox, drop the connection
in the middle of a message, answer 500, or never answer at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import json
import socket
import ssl
import subprocess
import threading
import urllib.parse
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made by the openssl command line."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return cert, key


def server_tls(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@dataclass
class ReceivedMail:
    to: list[str]
    message: EmailMessage
    peer: tuple[str, int] = ("", 0)  # the client's end of the connection it came on

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        body = self.message.get_body(("plain",))
        assert body is not None
        return str(body.get_content())


class _SmtpHandler:
    def __init__(self, sink: SmtpSink) -> None:
        self._sink = sink

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        with self._sink.lock:
            self._sink.sessions.add(server)
            drop = self._sink.drops_at_mail > 0
            if drop:
                self._sink.drops_at_mail -= 1
        if drop:
            # as a server that timed out an idle connection: it is gone when the next MAIL comes
            server.transport.close()
            return "421 closing"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self._sink.refused:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        with self._sink.lock:
            if self._sink.temporary_failures > 0:
                self._sink.temporary_failures -= 1
                return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self._sink.delay:
            await asyncio.sleep(self._sink.delay)
        with self._sink.lock:
            drop = self._sink.drops > 0
            if drop:
                self._sink.drops -= 1
        if drop:
            # the whole message arrived but no reply ever comes: the client cannot know, so it must retry
            server.transport.close()
            return "421 closing"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        mail = ReceivedMail(to=list(envelope.rcpt_tos), message=parsed, peer=tuple(session.peer[:2]))
        message_id = str(parsed["Message-ID"] or "")
        with self._sink.lock:
            if message_id and message_id in self._sink.accepted_ids:
                # the contract (README, "Pushes sent again after a crash"): a copy of an accepted Message-ID
                # is dropped, and the reply says so
                self._sink.duplicates.append(mail)
                return f"250 2.0.0 duplicate {message_id}: already accepted, this copy dropped"
            self._sink.accepted_ids.add(message_id)
            self._sink.received.append(mail)
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self, tls: ssl.SSLContext | None = None, implicit_tls: bool = False) -> None:
        self.lock = threading.Lock()
        self.received: list[ReceivedMail] = []  # each Message-ID once: what the mailboxes got
        self.duplicates: list[ReceivedMail] = []  # copies of an accepted Message-ID, dropped
        self.accepted_ids: set[str] = set()
        self.refused: set[str] = set()
        self.drops = 0
        self.drops_at_mail = 0  # connections closed by the server when MAIL comes, before answering
        self.temporary_failures = 0
        self.delay = 0.0
        self.sessions: set[Any] = set()  # the server's side of every connection that sent MAIL
        self.port = free_port()
        options: dict[str, Any] = {}
        if tls is not None:
            options = {"ssl_context": tls} if implicit_tls else {"tls_context": tls, "require_starttls": True}
        self._controller = Controller(_SmtpHandler(self), hostname="127.0.0.1", port=self.port, **options)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def hang_up(self) -> None:
        """Close every connection from the server's side, as a server does with idle ones."""
        with self.lock:
            sessions = list(self.sessions)
        for session in sessions:
            if session.transport is not None:
                self._controller.loop.call_soon_threadsafe(session.transport.close)

    def peers(self) -> set[tuple[str, int]]:
        """The client ends of the connections the accepted mail came on."""
        with self.lock:
            return {mail.peer for mail in self.received}

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def to(self, address: str) -> list[ReceivedMail]:
        with self.lock:
            return [mail for mail in self.received if address in mail.to]

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.duplicates.clear()
            self.accepted_ids.clear()
            self.refused.clear()
            self.drops = 0
            self.drops_at_mail = 0
            self.temporary_failures = 0


@dataclass
class ReceivedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class HttpSink:
    """Answers each path from its script (status codes, or "hang"), then with `default`."""

    default_status: int = 200
    default_body: bytes = b'{"errcode": 0, "errmsg": "ok"}'
    requests: list[ReceivedRequest] = field(default_factory=list)  # every request, copies included
    accepted: dict[str, ReceivedRequest] = field(default_factory=dict)  # by X-Gongjian-Delivery, answered 2xx
    duplicates: list[ReceivedRequest] = field(default_factory=list)  # copies of an accepted key, dropped
    script: dict[str, list[int | str]] = field(default_factory=dict)
    port: int = 0
    _server: asyncio.Server | None = None
    _handlers: set[asyncio.Task[Any]] = field(default_factory=set)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        for handler in list(self._handlers):
            handler.cancel()
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    def at(self, path: str) -> list[ReceivedRequest]:
        return [request for request in self.requests if request.path == path]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            while True:
                request = await self._read(reader)
                if request is None:
                    return
                self.requests.append(request)
                planned = self.script.get(request.path, [])
                step = planned.pop(0) if planned else self.default_status
                if step == "hang":
                    await asyncio.sleep(3600)
                    return
                status = int(step)
                body = self.default_body if status < 300 else b'{"error": "scripted failure"}'
                extra = self._dedupe(request) if status < 300 else ""
                writer.write(
                    f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n{extra}"
                    f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            return
        finally:
            self._handlers.discard(task)
            writer.close()

    def _dedupe(self, request: ReceivedRequest) -> str:
        """The contract (README, "Pushes sent again after a crash"): a copy of an accepted delivery key is
        dropped and answered with `X-Gongjian-Duplicate`; the extra header line to answer with."""
        key = request.headers.get("x-gongjian-delivery")
        if key is None:
            return ""
        if key in self.accepted:
            self.duplicates.append(request)
            return f"X-Gongjian-Duplicate: {key}\r\n"
        self.accepted[key] = request
        return ""

    async def _read(self, reader: asyncio.StreamReader) -> ReceivedRequest | None:
        line = await reader.readline()
        if not line:
            return None
        method, target, _ = line.decode().split(" ", 2)
        headers: dict[str, str] = {}
        while (raw := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = raw.decode().partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        parsed = urllib.parse.urlsplit(target)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        return ReceivedRequest(method, parsed.path, query, headers, body)
