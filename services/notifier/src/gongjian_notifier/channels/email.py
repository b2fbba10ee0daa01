"""Email over SMTP (aiosmtplib, on the event loop): plain, STARTTLS or implicit TLS, connections kept.

A message costs four round trips (MAIL, RCPT, DATA, the body); connecting costs several more (the greeting,
EHLO, STARTTLS and EHLO again, AUTH). So the channel keeps its connections between messages and between
passes: at most `connections` idle ones, each taken by one chunk of a batch at a time. A kept connection the
server dropped meanwhile is replaced: one it closed while idle is seen as closed before it is used, and one
whose MAIL command finds it gone is replaced and the message sent on the new one (nothing of it was sent).
A connection whose message ended in `retry` (a timeout, a dropped reply, a 4xx) is closed and not kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
import socket
import ssl
import time
from collections.abc import Sequence
from email import base64mime
from email.policy import compat32
from email.utils import format_datetime, formataddr

import aiosmtplib
from aiosmtplib.email import quote_address

from gongjian_notifier.channels.base import Message, Outcome, plain_text
from gongjian_notifier.settings import EmailSettings
from gongjian_shared.clock import Clock

_ENHANCED_CODE = re.compile(r"^\s*\d\.\d{1,3}\.\d{1,3}\s+")
SMTP_LINES = compat32.clone(linesep="\r\n")  # bytes given to DATA go out as they are: CRLF, no bare LF
IDLE_SECONDS = 60.0  # a connection unused this long is closed (QUIT) rather than reused
# what MIMEText(text, "plain", "utf-8") writes first
_MIME_HEADERS = (
    b'Content-Type: text/plain; charset="utf-8"\r\nMIME-Version: 1.0\r\nContent-Transfer-Encoding: base64\r\n'
)
_LINE_LENGTH = SMTP_LINES.max_line_length or 78
_TOKEN = re.compile(r"[!-~]+")  # one run of printable ASCII, no space: a header value folding leaves as it is


def _folded(name: str, value: str) -> bytes:
    """One header line as SMTP_LINES folds it: a short single token as it is; anything else by the policy,
    remembered (the same Subject, From and To come back message after message)."""
    if len(name) + len(value) + 2 <= _LINE_LENGTH and _TOKEN.fullmatch(value):
        return f"{name}: {value}\r\n".encode("ascii")
    return _fold(name, value)


@functools.lru_cache(maxsize=4096)
def _fold(name: str, value: str) -> bytes:
    return SMTP_LINES.fold_binary(name, value)


def _verdict(code: int, words: str) -> Outcome:
    # 5xx is the server's final word (an unknown mailbox, a refused sender); 4xx means try again later
    error = f"SMTP {code}: {words}"
    return Outcome.failed(error) if code >= 500 else Outcome.retry(error)


def failure_text(exc: BaseException) -> str:
    """How a failed exchange reads in the audit: a timeout as `TimeoutError: timed out`, a failed connect by
    the OS or TLS error underneath (aiosmtplib wraps those), anything else by its own type and words."""
    if isinstance(exc, aiosmtplib.SMTPTimeoutError):
        return "TimeoutError: timed out"
    if isinstance(exc, aiosmtplib.SMTPConnectError) and isinstance(exc.__cause__, OSError):
        exc = exc.__cause__
    return f"{type(exc).__name__}: {exc}"


class _StaleConnection(Exception):
    """A kept connection turned out closed at the MAIL command: nothing of the message was sent."""


class _Kept:
    """An idle connection and when it was put back."""

    __slots__ = ("since", "smtp")

    def __init__(self, smtp: aiosmtplib.SMTP, since: float) -> None:
        self.smtp = smtp
        self.since = since


class EmailChannel:
    name = "email"
    push = True

    def __init__(self, settings: EmailSettings, clock: Clock) -> None:
        assert settings.host, "the email channel needs a host"
        self._settings = settings
        self._clock = clock
        self._host = settings.host
        self._domain = settings.sender.rpartition("@")[2] or "localhost"
        self._from = formataddr((settings.sender_name, settings.sender))
        self._tls = ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)
        self._local_hostname: str | None = None  # our name in EHLO, looked up once
        self._idle: list[_Kept] = []
        self.connects = 0  # connections opened, for the tests of reuse

    async def send(self, messages: Sequence[Message]) -> list[Outcome]:
        if not messages:
            return []
        # one SMTP connection per chunk, chunks at once: a slow server does not serialise all
        size = -(-len(messages) // self._settings.connections)
        chunks = [messages[i : i + size] for i in range(0, len(messages), size)]
        results = await asyncio.gather(*(self._send_chunk(chunk) for chunk in chunks))
        return [outcome for chunk in results for outcome in chunk]

    @property
    def kept(self) -> int:
        """Idle connections kept for the next messages and, as far as this side has seen, still open."""
        return sum(1 for kept in self._idle if kept.smtp.is_connected)

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        await asyncio.gather(*(_close(kept.smtp, polite=True) for kept in idle))

    async def _take(self) -> aiosmtplib.SMTP | None:
        """A kept connection still open and not idle too long, if there is one."""
        while self._idle:
            kept = self._idle.pop()
            if not kept.smtp.is_connected:
                continue  # the server closed it while it was idle
            if time.monotonic() - kept.since > IDLE_SECONDS:
                await _close(kept.smtp, polite=True)
                continue
            return kept.smtp
        return None

    async def _put_back(self, smtp: aiosmtplib.SMTP) -> None:
        if smtp.is_connected and len(self._idle) < self._settings.connections:
            self._idle.append(_Kept(smtp, time.monotonic()))
        else:
            await _close(smtp, polite=True)

    async def _connect(self) -> aiosmtplib.SMTP:
        settings = self._settings
        if self._local_hostname is None:
            self._local_hostname = await asyncio.to_thread(socket.getfqdn)
        smtp = aiosmtplib.SMTP(
            hostname=self._host,
            port=settings.port,
            local_hostname=self._local_hostname,
            timeout=settings.timeout_seconds,
            use_tls=settings.tls == "tls",
            start_tls=settings.tls == "starttls",  # never on its own: "none" means none
            tls_context=self._tls,
            username=settings.username or None,
            password=(settings.password.get_secret_value() if settings.password else "")
            if settings.username
            else None,
        )
        self.connects += 1
        await smtp.connect()
        try:
            if smtp.is_ehlo_or_helo_needed:  # now, so that MAIL knows whether it may state the SIZE
                try:
                    await smtp.ehlo()
                except aiosmtplib.SMTPHeloError:
                    await smtp.helo()
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _mime(self, message: Message) -> bytes:
        """The message as compat32 `MIMEText(text, "plain", "utf-8").as_bytes(policy=SMTP_LINES)` writes it,
        byte for byte (a test holds the two equal), without building the object: the same headers in the same
        order, each folded by the policy's own `fold_binary`, and the base64 body. That object cost most of the
        channel's CPU per message, mostly in folding the same Subject, From and To again and again."""
        headers = [
            _MIME_HEADERS,
            _folded("Subject", message.title),  # non-ASCII as RFC 2047 encoded words, as compat32 writes it
            _folded("From", self._from),
            _folded("To", formataddr((message.recipient_name, message.address))),
            _folded("Date", format_datetime(self._clock.now())),
            # a stable Message-ID per delivery lets mail systems drop a copy sent again after a crash
            _folded("Message-ID", f"<{message.key}@{self._domain}>"),
            _folded("X-Gongjian-Delivery", message.key),
        ]
        if message.urgency == "urgent":
            headers.append(_folded("X-Priority", "1"))
        body = base64mime.body_encode(plain_text(message).encode(), eol="\r\n")
        return b"".join(headers) + b"\r\n" + body.encode("ascii")

    async def _send_chunk(self, messages: Sequence[Message]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        smtp = await self._take()
        try:
            for message in messages:
                outcome, smtp = await self._send_with(smtp, message)
                outcomes.append(outcome)
                if smtp is not None and outcome.status == "retry":
                    await _close(smtp, polite=False)
                    smtp = None
        finally:
            if smtp is not None:
                await self._put_back(smtp)
        return outcomes

    async def _send_with(
        self, smtp: aiosmtplib.SMTP | None, message: Message
    ) -> tuple[Outcome, aiosmtplib.SMTP | None]:
        """One message on `smtp` (a new connection when None, or when that one turns out closed); its outcome
        and the connection to go on with (None when connecting failed)."""
        for _ in range(2):
            if smtp is None:
                try:
                    smtp = await self._connect()
                except (aiosmtplib.SMTPException, OSError) as exc:
                    # the server or our settings, not this message: try again later
                    return Outcome.retry(f"connect: {failure_text(exc)}"), None
                fresh = True
            else:
                fresh = False
            try:
                return await self._send_one(smtp, message, fresh=fresh), smtp
            except _StaleConnection:
                await _close(smtp, polite=False)
                smtp = None  # the server closed a kept connection: once more on a new one
        raise AssertionError("a new connection is never stale")  # pragma: no cover

    async def _send_one(self, smtp: aiosmtplib.SMTP, message: Message, *, fresh: bool) -> Outcome:
        try:
            accepted = await _transmit(
                smtp, self._settings.sender, message.address, self._mime(message), fresh=fresh
            )
        except aiosmtplib.SMTPResponseException as exc:
            return _verdict(exc.code, exc.message)
        except (ValueError, UnicodeError) as exc:  # an address the protocol cannot carry
            return Outcome.failed(f"invalid address: {exc}")
        except (aiosmtplib.SMTPException, OSError) as exc:
            return Outcome.retry(failure_text(exc))
        if _ENHANCED_CODE.sub("", accepted).lower().startswith("duplicate"):
            return Outcome.duplicate(f"SMTP 250: {accepted}")
        return Outcome.delivered()


@functools.lru_cache(maxsize=4096)
def _quoted(address: str) -> bytes:
    """`<address>` as SMTP.mail and SMTP.rcpt write it: parsed, refused with ValueError when it holds a line
    break or another control character, and ASCII (UnicodeEncodeError otherwise)."""
    return quote_address(address).encode("ascii")


async def _transmit(smtp: aiosmtplib.SMTP, sender: str, recipient: str, body: bytes, *, fresh: bool) -> str:
    """One recipient's transaction, answering the server's words on accepting the DATA: a receiver that
    already has the Message-ID says there that it dropped the copy. A refusal resets the transaction (a 421
    closes the connection). A kept (not `fresh`) connection found closed at MAIL raises `_StaleConnection`."""
    if not smtp.is_connected:
        if fresh:
            raise aiosmtplib.SMTPServerDisconnected("Server not connected")
        raise _StaleConnection
    options = [f"size={len(body)}".encode()] if smtp.supports_extension("size") else []
    try:
        # SMTP.mail and SMTP.rcpt, with the addresses' quoting remembered: the same sender every time, and
        # the same people message after message
        reply = await smtp.execute_command(b"MAIL", b"FROM:" + _quoted(sender), *options)
        if reply.code != 250:
            raise aiosmtplib.SMTPSenderRefused(reply.code, reply.message, sender)
    except aiosmtplib.SMTPServerDisconnected:
        if fresh:
            raise
        raise _StaleConnection from None
    except aiosmtplib.SMTPResponseException:
        await _abandon(smtp)
        raise
    try:
        reply = await smtp.execute_command(b"RCPT", b"TO:" + _quoted(recipient))
        if reply.code not in (250, 251):
            raise aiosmtplib.SMTPRecipientRefused(reply.code, reply.message, recipient)
    except aiosmtplib.SMTPResponseException:
        await _abandon(smtp)
        raise
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    try:
        response = await smtp.data(body)
    except aiosmtplib.SMTPResponseException:
        await _abandon(smtp)
        raise
    return response.message


async def _abandon(smtp: aiosmtplib.SMTP) -> None:
    """After a refusal: aiosmtplib has closed the connection on a 421; otherwise the transaction is reset."""
    if smtp.is_connected:
        with contextlib.suppress(aiosmtplib.SMTPException, OSError):
            await smtp.rset()


async def _close(smtp: aiosmtplib.SMTP, *, polite: bool) -> None:
    if polite and smtp.is_connected:
        with contextlib.suppress(aiosmtplib.SMTPException, OSError):
            await smtp.quit()
    smtp.close()
