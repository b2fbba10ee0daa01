"""Email over SMTP (stdlib smtplib, in worker threads): plain, STARTTLS or implicit TLS."""

from __future__ import annotations

import asyncio
import contextlib
import re
import smtplib
import ssl
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr

from gongjian_notifier.channels.base import Message, Outcome, plain_text
from gongjian_notifier.settings import EmailSettings
from gongjian_shared.clock import Clock

_ENHANCED_CODE = re.compile(r"^\s*\d\.\d{1,3}\.\d{1,3}\s+")
SMTP_LINES = compat32.clone(linesep="\r\n")  # bytes given to sendmail go out as they are: CRLF, no bare LF


def _verdict(code: int, words: str) -> Outcome:
    # 5xx is the server's final word (an unknown mailbox, a refused sender); 4xx means try again later
    error = f"SMTP {code}: {words}"
    return Outcome.failed(error) if code >= 500 else Outcome.retry(error)


def _words(raw: bytes | str) -> str:
    return raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)


class EmailChannel:
    name = "email"
    push = True

    def __init__(self, settings: EmailSettings, clock: Clock) -> None:
        assert settings.host, "the email channel needs a host"
        self._settings = settings
        self._clock = clock
        self._host = settings.host
        self._domain = settings.sender.rpartition("@")[2] or "localhost"
        self._tls = ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)
        # smtplib blocks: its own threads, one per connection, so other to_thread users are not starved
        self._threads = ThreadPoolExecutor(max_workers=settings.connections, thread_name_prefix="smtp")

    async def send(self, messages: Sequence[Message]) -> list[Outcome]:
        if not messages:
            return []
        # one SMTP connection per chunk, chunks in parallel threads: a slow server does not serialise all
        size = -(-len(messages) // self._settings.connections)
        chunks = [list(messages[i : i + size]) for i in range(0, len(messages), size)]
        loop = asyncio.get_running_loop()
        results = await asyncio.gather(
            *(loop.run_in_executor(self._threads, self._send_chunk, c) for c in chunks)
        )
        return [outcome for chunk in results for outcome in chunk]

    async def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)

    def _connect(self) -> smtplib.SMTP:
        settings = self._settings
        context = self._tls
        smtp: smtplib.SMTP
        if settings.tls == "tls":
            smtp = smtplib.SMTP_SSL(
                self._host, settings.port, timeout=settings.timeout_seconds, context=context
            )
        else:
            smtp = smtplib.SMTP(self._host, settings.port, timeout=settings.timeout_seconds)
            if settings.tls == "starttls":
                smtp.starttls(context=context)
        if settings.username:
            password = settings.password.get_secret_value() if settings.password else ""
            smtp.login(settings.username, password)
        return smtp

    def _mime(self, message: Message) -> bytes:
        # compat32 MIMEText: a fifth of EmailMessage's CPU per message, which matters at hundreds a second
        mail = MIMEText(plain_text(message), "plain", "utf-8")
        mail["Subject"] = message.title  # compat32 writes non-ASCII headers as RFC 2047 encoded words
        mail["From"] = formataddr((self._settings.sender_name, self._settings.sender))
        mail["To"] = formataddr((message.recipient_name, message.address))
        mail["Date"] = format_datetime(self._clock.now())
        # a stable Message-ID per delivery lets mail systems drop a copy sent again after a crash
        mail["Message-ID"] = f"<{message.key}@{self._domain}>"
        mail["X-Gongjian-Delivery"] = message.key
        if message.urgency == "urgent":
            mail["X-Priority"] = "1"
        return mail.as_bytes(policy=SMTP_LINES)

    def _send_chunk(self, messages: list[Message]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        smtp: smtplib.SMTP | None = None
        try:
            for message in messages:
                if smtp is None:
                    try:
                        smtp = self._connect()
                    except (smtplib.SMTPException, OSError) as exc:
                        # the server or our settings, not this message: try again later
                        outcomes.append(Outcome.retry(f"connect: {type(exc).__name__}: {exc}"))
                        continue
                outcome = self._send_one(smtp, message)
                outcomes.append(outcome)
                if outcome.status == "retry":
                    _close(smtp, polite=False)
                    smtp = None
        finally:
            if smtp is not None:
                _close(smtp, polite=True)
        return outcomes

    def _send_one(self, smtp: smtplib.SMTP, message: Message) -> Outcome:
        try:
            accepted = _transmit(smtp, self._settings.sender, message.address, self._mime(message))
        except smtplib.SMTPRecipientsRefused as exc:
            code, words = next(iter(exc.recipients.values()), (550, b"refused"))
            return _verdict(int(code), _words(words))
        except smtplib.SMTPResponseException as exc:
            return _verdict(exc.smtp_code, _words(exc.smtp_error))
        except (ValueError, UnicodeError) as exc:  # an address the protocol cannot carry
            return Outcome.failed(f"invalid address: {exc}")
        except (smtplib.SMTPException, OSError) as exc:
            return Outcome.retry(f"{type(exc).__name__}: {exc}")
        if _ENHANCED_CODE.sub("", accepted).lower().startswith("duplicate"):
            return Outcome.duplicate(f"SMTP 250: {accepted}")
        return Outcome.delivered()


def _transmit(smtp: smtplib.SMTP, sender: str, recipient: str, body: bytes) -> str:
    """`smtplib.SMTP.sendmail` for one recipient, answering the server's words on accepting the DATA (which
    sendmail drops): a receiver that already has the Message-ID says there that it dropped the copy."""
    smtp.ehlo_or_helo_if_needed()
    options = [f"size={len(body)}"] if smtp.does_esmtp and smtp.has_extn("size") else []
    code, words = smtp.mail(sender, options)
    if code != 250:
        _abandon(smtp, code)
        raise smtplib.SMTPSenderRefused(code, words, sender)
    code, words = smtp.rcpt(recipient)
    if code not in (250, 251):
        _abandon(smtp, code)
        raise smtplib.SMTPRecipientsRefused({recipient: (code, words)})
    code, words = smtp.data(body)
    if code != 250:
        _abandon(smtp, code)
        raise smtplib.SMTPDataError(code, words)
    return _words(words)


def _abandon(smtp: smtplib.SMTP, code: int) -> None:
    """What sendmail does after a refusal: 421 closes the connection, anything else resets the transaction."""
    if code == 421:
        smtp.close()
        return
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        smtp.rset()


def _close(smtp: smtplib.SMTP, *, polite: bool) -> None:
    try:
        if polite:
            smtp.quit()
            return
    except (smtplib.SMTPException, OSError):
        pass
    smtp.close()
