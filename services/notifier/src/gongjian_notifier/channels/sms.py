"""A generic HTTP SMS gateway (短信网关): URL, an auth header and a body template from the settings."""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import Environment, StrictUndefined, Template, TemplateError

from gongjian_notifier.channels.base import Message, Outcome
from gongjian_notifier.channels.http import HttpClient
from gongjian_notifier.channels.webhooks import DELIVERY_HEADER, duplicate_verdict, http_verdict, post_each
from gongjian_notifier.settings import SmsSettings


def sms_text(message: Message, max_length: int) -> str:
    """The link always fits; then the title; the body gets what is left."""
    tail = f" 详情：{message.link}"
    budget = max_length - len(tail)
    if budget <= 1:
        return tail.strip()[:max_length]
    head = f"{message.title}："
    if len(head) >= budget:
        return head[: budget - 1] + "…" + tail
    body = " ".join(message.body.split())
    room = budget - len(head)
    if len(body) > room:
        body = body[: room - 1] + "…"
    return head + body + tail


class SmsChannel:
    name = "sms"
    push = True

    def __init__(self, settings: SmsSettings, client: HttpClient) -> None:
        assert settings.url, "the sms channel needs a gateway url"
        self._settings = settings
        self._url = settings.url
        self._client = client
        self._template: Template | None = None
        self._template_error: str | None = None
        try:
            self._template = Environment(undefined=StrictUndefined, autoescape=False).from_string(
                settings.body_template
            )
        except TemplateError as exc:
            self._template_error = f"sms.body_template: {exc}"

    def body(self, message: Message) -> str:
        assert self._template is not None
        return self._template.render(
            phone=message.address,
            text=sms_text(message, self._settings.max_length),
            title=message.title,
            link=message.link,
            key=message.key,
        )

    async def _post(self, client: HttpClient, message: Message) -> Outcome:
        if self._template is None:
            return Outcome.failed(self._template_error or "no sms body template")
        try:
            content = self.body(message)
        except TemplateError as exc:
            return Outcome.failed(f"sms.body_template: {exc}")
        headers = {"Content-Type": self._settings.content_type, DELIVERY_HEADER: message.key}
        if self._settings.auth_value is not None:
            headers[self._settings.auth_header] = self._settings.auth_value.get_secret_value()
        response = await client.request(
            self._settings.method,
            self._url,
            content=content.encode(),
            headers=headers,
            timeout=self._settings.timeout_seconds,
        )
        return http_verdict(response) or duplicate_verdict(response) or Outcome.delivered()

    async def send(self, messages: Sequence[Message]) -> list[Outcome]:
        return await post_each(messages, self._client, self._post, self._settings.timeout_seconds)

    async def close(self) -> None:
        return None
