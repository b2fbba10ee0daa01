"""One interface for every channel (通知渠道), plugin style: the worker hands a batch, gets one outcome each.

A channel never raises for a message's fault: it returns `retry` (the sink may take it later: a timeout, a
5xx, a dropped SMTP connection) or `failed` (it never will: a refused recipient, a 4xx, a bad template), with
the sink's own words, which the office reads in the audit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from gongjian_notifier.settings import Urgency

OutcomeStatus = Literal["delivered", "retry", "failed"]
# what the audit says of a push the receiver already had
DUPLICATE_NOTE = (
    "duplicate: the receiver already had this delivery and dropped the copy (接收方已收到, 重复副本已丢弃)"
)


@dataclass(frozen=True)
class Message:
    """One delivery, rendered: who (address), what (title, body, link), and its idempotency key."""

    delivery_id: int
    key: str
    address: str
    recipient_name: str
    title: str
    body: str
    link: str
    urgency: Urgency = "normal"
    mention_phone: str | None = None
    mention_im_id: str | None = None
    secret: str | None = None


@dataclass(frozen=True)
class Outcome:
    status: OutcomeStatus
    error: str | None = None

    @classmethod
    def delivered(cls) -> Outcome:
        return cls("delivered")

    @classmethod
    def retry(cls, error: str) -> Outcome:
        return cls("retry", error[:2000])

    @classmethod
    def failed(cls, error: str) -> Outcome:
        return cls("failed", error[:2000])

    @classmethod
    def duplicate(cls, words: str) -> Outcome:
        """Delivered before: the receiver already had this delivery key and dropped the copy (an attempt sent
        again after a crash between the receiver's acceptance and the record of it)."""
        return cls("delivered", f"{DUPLICATE_NOTE}: {words}"[:2000])


class Channel(Protocol):
    """A notification channel; `push` is False for the in-app inbox, which people read by pulling."""

    name: str
    push: bool

    async def send(self, messages: Sequence[Message]) -> list[Outcome]: ...

    async def close(self) -> None: ...


class InboxChannel:
    """The in-app inbox (站内信): the delivery row is the message, written when the notification is."""

    name = "inbox"
    push = False

    async def send(self, messages: Sequence[Message]) -> list[Outcome]:
        return [Outcome.delivered() for _ in messages]

    async def close(self) -> None:
        return None


class ChannelRegistry:
    def __init__(self, channels: Iterable[Channel]) -> None:
        self._channels = {channel.name: channel for channel in channels}
        self._on_close: list[Callable[[], Awaitable[None]]] = []

    def on_close(self, callback: Callable[[], Awaitable[None]]) -> None:
        self._on_close.append(callback)

    def get(self, name: str) -> Channel | None:
        return self._channels.get(name)

    def enabled(self, name: str) -> bool:
        return name in self._channels

    @property
    def push_channels(self) -> list[Channel]:
        return [channel for channel in self._channels.values() if channel.push]

    async def close(self) -> None:
        for channel in self._channels.values():
            await channel.close()
        for callback in self._on_close:
            await callback()


def plain_text(message: Message) -> str:
    return f"{message.body}\n\n查看详情：{message.link}"


def markdown(message: Message) -> str:
    return f"### {message.title}\n\n{message.body}\n\n[查看详情]({message.link})"
