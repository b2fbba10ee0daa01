"""IM group robots (群机器人): WeCom (企业微信) and DingTalk (钉钉, signed requests), over one HTTP client."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import urllib.parse
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp

from gongjian_notifier.channels.base import Message, Outcome, markdown
from gongjian_notifier.channels.http import HttpClient, HttpError, Response, failure_text
from gongjian_shared.clock import Clock

DELIVERY_HEADER = "X-Gongjian-Delivery"
# answered by a receiver that already accepted the delivery key: it dropped this copy
DUPLICATE_HEADER = "X-Gongjian-Duplicate"

# errcodes the robots answer when they throttle: the message is fine, the moment is not
WECOM_RETRY_ERRCODES = {45009, -1}
DINGTALK_RETRY_ERRCODES = {130101, 410100, -1}


def http_verdict(response: Response) -> Outcome | None:
    """The outcome an HTTP status alone decides; None when the body must be read."""
    if response.status_code == 429 or response.status_code >= 500:
        return Outcome.retry(f"HTTP {response.status_code}: {response.text[:500]}")
    if response.status_code >= 400:
        return Outcome.failed(f"HTTP {response.status_code}: {response.text[:500]}")
    return None


def duplicate_verdict(response: Response) -> Outcome | None:
    """A 2xx naming the delivery as a duplicate: delivered before, this copy dropped by the receiver."""
    duplicate = response.headers.get(DUPLICATE_HEADER.lower())
    if response.is_success and duplicate is not None:
        return Outcome.duplicate(f"{DUPLICATE_HEADER}: {duplicate}")
    return None


def robot_verdict(response: Response, retry_codes: set[int]) -> Outcome:
    decided = http_verdict(response) or duplicate_verdict(response)
    if decided is not None:
        return decided
    try:
        answer: Any = response.json()
    except ValueError:
        return Outcome.delivered()
    code = answer.get("errcode", 0) if isinstance(answer, dict) else 0
    if code == 0:
        return Outcome.delivered()
    error = f"errcode {code}: {answer.get('errmsg', '')}"
    return Outcome.retry(error) if code in retry_codes else Outcome.failed(error)


async def post_each(
    messages: Sequence[Message],
    client: HttpClient,
    post: Callable[[HttpClient, Message], Awaitable[Outcome]],
    timeout: float,
) -> list[Outcome]:
    """Each message in a slot of the client (its size is the concurrency); `post` bounds it in `timeout`."""

    async def one(message: Message) -> Outcome:
        async with client.slot():
            try:
                return await post(client, message)
            except TimeoutError as exc:
                return Outcome.retry(f"timeout after {timeout:g}s ({type(exc).__name__})")
            except (
                HttpError,
                aiohttp.ClientError,
                OSError,
                ValueError,
            ) as exc:  # refused, reset, TLS, a bad reply
                return Outcome.retry(failure_text(exc))

    return list(await asyncio.gather(*(one(message) for message in messages)))


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """DingTalk 加签: sign = urlencode(base64(HMAC-SHA256(secret, "timestamp\\nsecret")))."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest).decode())
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={sign}"


class WeComChannel:
    """WeCom robot: markdown, @-mentioning the recipient by WeCom user id when the directory has it."""

    name = "wecom"
    push = True

    def __init__(self, client: HttpClient, timeout: float) -> None:
        self._client = client
        self._timeout = timeout

    def payload(self, message: Message) -> dict[str, Any]:
        content = markdown(message)
        if message.mention_im_id:
            content += f"\n<@{message.mention_im_id}>"
        return {"msgtype": "markdown", "markdown": {"content": content}}

    async def _post(self, client: HttpClient, message: Message) -> Outcome:
        response = await client.post(
            message.address,
            content=json.dumps(self.payload(message), ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json", DELIVERY_HEADER: message.key},
            timeout=self._timeout,
        )
        return robot_verdict(response, WECOM_RETRY_ERRCODES)

    async def send(self, messages: Sequence[Message]) -> list[Outcome]:
        return await post_each(messages, self._client, self._post, self._timeout)

    async def close(self) -> None:
        return None


class DingTalkChannel:
    """DingTalk robot: markdown with @mobile; signed when the robot has a secret (加签)."""

    name = "dingtalk"
    push = True

    def __init__(self, client: HttpClient, timeout: float, clock: Clock) -> None:
        self._client = client
        self._timeout = timeout
        self._clock = clock

    def payload(self, message: Message) -> dict[str, Any]:
        text = markdown(message)
        at: dict[str, Any] = {"isAtAll": False}
        if message.mention_phone:
            text += f"\n\n@{message.mention_phone}"
            at["atMobiles"] = [message.mention_phone]
        if message.mention_im_id:
            at["atUserIds"] = [message.mention_im_id]
        return {"msgtype": "markdown", "markdown": {"title": message.title, "text": text}, "at": at}

    def url(self, message: Message) -> str:
        if not message.secret:
            return message.address
        return dingtalk_signed_url(message.address, message.secret, int(self._clock.now().timestamp() * 1000))

    async def _post(self, client: HttpClient, message: Message) -> Outcome:
        response = await client.post(
            self.url(message),
            content=json.dumps(self.payload(message), ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json", DELIVERY_HEADER: message.key},
            timeout=self._timeout,
        )
        return robot_verdict(response, DINGTALK_RETRY_ERRCODES)

    async def send(self, messages: Sequence[Message]) -> list[Outcome]:
        return await post_each(messages, self._client, self._post, self._timeout)

    async def close(self) -> None:
        return None
