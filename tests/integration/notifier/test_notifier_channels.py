"""Each channel against a real local sink: what arrives, and what a misbehaving sink turns into."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import pytest
from integration.notifier.notifier_sinks import (
    HttpSink,
    SmtpSink,
    free_port,
    self_signed_certificate,
    server_tls,
)
from pydantic import SecretStr

from gongjian_notifier.channels.base import Message
from gongjian_notifier.channels.email import EmailChannel
from gongjian_notifier.channels.http import HttpClient
from gongjian_notifier.channels.sms import SmsChannel
from gongjian_notifier.channels.webhooks import DingTalkChannel, WeComChannel
from gongjian_notifier.settings import EmailSettings, SmsSettings
from gongjian_shared.clock import FrozenClock

pytestmark = pytest.mark.asyncio

CLOCK = FrozenClock(datetime(2024, 10, 8, 1, 0, tzinfo=UTC))


def message(delivery_id: int, address: str, **extra: Any) -> Message:
    return Message(
        delivery_id=delivery_id,
        key=f"gongjian-delivery-{delivery_id}",
        address=address,
        recipient_name="张联络",
        title="【催报】2024年9月重点项目进度尚未报送",
        body="汉滨区：\n贵单位尚有 2 个重点项目未报送。",
        link="http://127.0.0.1:8000/progress-reports?year=2024&month=9",
        **extra,
    )


@asynccontextmanager
async def pool(size: int) -> AsyncIterator[HttpClient]:
    clients = HttpClient(size)
    try:
        yield clients
    finally:
        await clients.aclose()


def email_channel(port: int, timeout: float = 5.0, connections: int = 4) -> EmailChannel:
    settings = EmailSettings(
        host="127.0.0.1",
        port=port,
        sender="notice@ankang.test",
        timeout_seconds=timeout,
        connections=connections,
    )
    return EmailChannel(settings, CLOCK)


async def until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Wait, bounded, for something another thread or the loop brings about."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out waiting"
        await asyncio.sleep(0.01)


async def test_email_arrives_with_chinese_subject_body_and_a_stable_message_id(smtp_sink: SmtpSink) -> None:
    outcomes = await email_channel(smtp_sink.port).send([message(7, "zhang@unit.test")])
    assert [o.status for o in outcomes] == ["delivered"]
    [mail] = smtp_sink.to("zhang@unit.test")
    assert mail.subject == "【催报】2024年9月重点项目进度尚未报送"
    assert "贵单位尚有 2 个重点项目未报送" in mail.text
    assert "查看详情：http://127.0.0.1:8000/progress-reports?year=2024&month=9" in mail.text
    assert mail.message["Message-ID"] == "<gongjian-delivery-7@ankang.test>"
    assert "张联络" in str(mail.message["To"])


async def test_email_unknown_mailbox_fails_for_good_and_the_others_still_go(smtp_sink: SmtpSink) -> None:
    smtp_sink.refused.add("nobody@unit.test")
    batch = [message(1, "a@unit.test"), message(2, "nobody@unit.test"), message(3, "b@unit.test")]
    outcomes = await email_channel(smtp_sink.port).send(batch)
    assert [o.status for o in outcomes] == ["delivered", "failed", "delivered"]
    assert (
        outcomes[1].error is not None and "550" in outcomes[1].error and "User unknown" in outcomes[1].error
    )
    assert len(smtp_sink.received) == 2


async def test_email_address_the_protocol_cannot_carry_fails_for_good(smtp_sink: SmtpSink) -> None:
    # a non-ASCII mailbox needs SMTPUTF8, which the channel does not ask for
    batch = [message(1, "张@unit.test"), message(2, "李@unit.test"), message(3, "c@unit.test")]
    channel = email_channel(smtp_sink.port, connections=1)
    try:
        outcomes = await channel.send(batch)
    finally:
        await channel.close()
    assert [o.status for o in outcomes] == ["failed", "failed", "delivered"]
    assert all((o.error or "").startswith("invalid address: ") for o in outcomes[:2])
    assert [mail.to for mail in smtp_sink.received] == [["c@unit.test"]]
    assert channel.connects == 1  # nothing was sent for them: the connection went on


async def test_email_disconnect_mid_message_and_temporary_refusal_are_retried(smtp_sink: SmtpSink) -> None:
    smtp_sink.drops = 1
    smtp_sink.temporary_failures = 1
    channel = email_channel(smtp_sink.port)
    first = await channel.send([message(1, "a@unit.test"), message(2, "b@unit.test")])
    assert sorted(o.status for o in first) == ["retry", "retry"]
    assert any("451" in (o.error or "") for o in first)
    assert any("Disconnected" in (o.error or "") for o in first)
    assert smtp_sink.received == []
    again = await channel.send([message(1, "a@unit.test"), message(2, "b@unit.test")])
    assert [o.status for o in again] == ["delivered", "delivered"]


async def test_email_server_down_is_retried_with_the_connect_error() -> None:
    outcomes = await email_channel(free_port(), timeout=1).send([message(1, "a@unit.test")])
    assert outcomes[0].status == "retry"
    assert "connect" in (outcomes[0].error or "")


async def test_email_keeps_its_connections_from_one_batch_to_the_next(smtp_sink: SmtpSink) -> None:
    channel = email_channel(smtp_sink.port, connections=2)
    try:
        first = await channel.send([message(i, f"p{i}@unit.test") for i in range(1, 7)])
        assert channel.kept == 2
        again = await channel.send([message(i, f"p{i}@unit.test") for i in range(7, 13)])
    finally:
        await channel.close()
    assert [o.status for o in first + again] == ["delivered"] * 12
    assert smtp_sink.count() == 12
    # two connections carried all twelve, over both batches
    assert channel.connects == 2
    assert len(smtp_sink.peers()) == 2
    assert channel.kept == 0  # closed with the channel


async def test_email_replaces_a_kept_connection_the_server_closed_while_idle(smtp_sink: SmtpSink) -> None:
    channel = email_channel(smtp_sink.port, connections=1)
    try:
        assert [o.status for o in await channel.send([message(1, "a@unit.test")])] == ["delivered"]
        smtp_sink.hang_up()
        await until(lambda: channel.kept == 0)  # this side has seen the server close it
        outcomes = await channel.send([message(2, "b@unit.test")])
    finally:
        await channel.close()
    assert [o.status for o in outcomes] == ["delivered"]
    assert channel.connects == 2
    assert len(smtp_sink.to("b@unit.test")) == 1
    assert len(smtp_sink.peers()) == 2


async def test_email_sends_again_on_a_new_connection_when_a_kept_one_is_gone_at_mail(
    smtp_sink: SmtpSink,
) -> None:
    channel = email_channel(smtp_sink.port, connections=1)
    try:
        assert [o.status for o in await channel.send([message(1, "a@unit.test")])] == ["delivered"]
        # the kept connection looks open here, and the server closes it when MAIL comes: nothing of the
        # message was sent, so it goes once more on a new connection
        smtp_sink.drops_at_mail = 1
        replaced = await channel.send([message(2, "b@unit.test"), message(3, "c@unit.test")])
        assert [o.status for o in replaced] == ["delivered", "delivered"]
        assert channel.connects == 2
        # a new connection that is gone at MAIL is not tried again: the message waits for its retry
        smtp_sink.drops_at_mail = 2
        gone = await channel.send([message(4, "d@unit.test")])
    finally:
        await channel.close()
    assert gone[0].status == "retry" and "Disconnected" in (gone[0].error or "")
    assert channel.connects == 3
    assert [mail.to for mail in smtp_sink.received] == [["a@unit.test"], ["b@unit.test"], ["c@unit.test"]]


async def test_email_connect_and_reply_timeouts_read_as_before(smtp_sink: SmtpSink) -> None:
    smtp_sink.delay = 2.0  # the server sits on the message past the channel's timeout
    channel = email_channel(smtp_sink.port, timeout=0.5)
    try:
        outcomes = await channel.send([message(1, "a@unit.test")])
    finally:
        await channel.close()
    assert outcomes[0].status == "retry"
    assert outcomes[0].error == "TimeoutError: timed out"
    refused = await email_channel(free_port(), timeout=1).send([message(2, "b@unit.test")])
    assert refused[0].status == "retry"
    assert (refused[0].error or "").startswith("connect: ConnectionRefusedError: ")


@pytest.mark.parametrize("mode", ["starttls", "tls"])
async def test_email_over_starttls_and_implicit_tls_verifies_the_servers_certificate(
    mode: Literal["starttls", "tls"], tmp_path: Path
) -> None:
    cert, key = self_signed_certificate(tmp_path)
    sink = SmtpSink(server_tls(cert, key), implicit_tls=mode == "tls")
    sink.start()
    try:
        trusted = EmailSettings(
            host="127.0.0.1", port=sink.port, tls=mode, ca_file=cert, sender="n@ankang.gov.cn"
        )
        outcomes = await EmailChannel(trusted, CLOCK).send([message(1, "a@unit.test")])
        assert [o.status for o in outcomes] == ["delivered"]
        assert len(sink.to("a@unit.test")) == 1
        untrusted = trusted.model_copy(update={"ca_file": None})
        refused = await EmailChannel(untrusted, CLOCK).send([message(2, "b@unit.test")])
        assert refused[0].status == "retry" and "CERTIFICATE_VERIFY_FAILED" in (refused[0].error or "")
        assert sink.to("b@unit.test") == []
    finally:
        sink.stop()


async def test_wecom_robot_gets_markdown_with_mention_and_the_delivery_key(http_sink: HttpSink) -> None:
    async with pool(4) as clients:
        channel = WeComChannel(clients, 2.0)
        outcomes = await channel.send(
            [message(5, f"{http_sink.base_url}/wecom?key=k", mention_im_id="zhang")]
        )
    assert outcomes[0].status == "delivered"
    [request] = http_sink.at("/wecom")
    assert request.query == {"key": "k"}
    assert request.headers["x-gongjian-delivery"] == "gongjian-delivery-5"
    payload = request.json()
    assert payload["msgtype"] == "markdown"
    assert payload["markdown"]["content"].startswith("### 【催报】2024年9月重点项目进度尚未报送")
    assert "<@zhang>" in payload["markdown"]["content"]


async def test_webhook_500_then_200_and_a_hanging_one_and_a_4xx(http_sink: HttpSink) -> None:
    http_sink.script = {"/flaky": [500], "/hangs": ["hang"], "/gone": [404]}
    async with pool(4) as clients:
        channel = WeComChannel(clients, 0.5)
        batch = [
            message(i, f"{http_sink.base_url}/{path}") for i, path in enumerate(("flaky", "hangs", "gone"))
        ]
        first = await channel.send(batch)
        assert [o.status for o in first] == ["retry", "retry", "failed"]
        assert "HTTP 500" in (first[0].error or "")
        assert "timeout after 0.5s" in (first[1].error or "")
        assert "HTTP 404" in (first[2].error or "")
        second = await channel.send(batch[:1])
    assert second[0].status == "delivered"
    assert len(http_sink.at("/flaky")) == 2


async def test_robot_errcodes_throttling_is_retried_and_a_bad_request_fails(http_sink: HttpSink) -> None:
    async with pool(1) as clients:
        channel = WeComChannel(clients, 2.0)
        http_sink.default_body = b'{"errcode": 45009, "errmsg": "api freq out of limit"}'
        throttled = await channel.send([message(1, f"{http_sink.base_url}/r")])
        http_sink.default_body = b'{"errcode": 93000, "errmsg": "invalid webhook url"}'
        invalid = await channel.send([message(2, f"{http_sink.base_url}/r")])
    assert throttled[0].status == "retry" and "45009" in (throttled[0].error or "")
    assert invalid[0].status == "failed" and "invalid webhook url" in (invalid[0].error or "")


async def test_dingtalk_signs_with_hmac_sha256_of_timestamp_and_secret(http_sink: HttpSink) -> None:
    secret = "SEC0123456789abcdef"
    async with pool(2) as clients:
        channel = DingTalkChannel(clients, 2.0, CLOCK)
        outcomes = await channel.send(
            [
                message(
                    9,
                    f"{http_sink.base_url}/robot/send?access_token=tok",
                    mention_phone="13800000001",
                    secret=secret,
                )
            ]
        )
    assert outcomes[0].status == "delivered"
    [request] = http_sink.at("/robot/send")
    timestamp = request.query["timestamp"]
    assert timestamp == str(int(CLOCK.now().timestamp() * 1000))
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert request.query["sign"] == expected  # parse_qsl undid the url-encoding
    assert request.query["access_token"] == "tok"
    payload = request.json()
    assert payload["at"]["atMobiles"] == ["13800000001"]
    assert payload["markdown"]["title"] == "【催报】2024年9月重点项目进度尚未报送"
    assert "@13800000001" in payload["markdown"]["text"]


async def test_sms_gateway_gets_the_body_template_and_the_auth_header(http_sink: HttpSink) -> None:
    settings = SmsSettings(
        url=f"{http_sink.base_url}/sms",
        auth_header="X-Api-Key",
        auth_value=SecretStr("sms-key"),
        body_template='{"mobile": {{ phone | tojson }}, "content": {{ text | tojson }}, "id": {{ key | tojson }}}',
        max_length=120,
    )
    async with pool(2) as clients:
        outcomes = await SmsChannel(settings, clients).send([message(3, "13800000002")])
    assert outcomes[0].status == "delivered"
    [request] = http_sink.at("/sms")
    assert request.headers["x-api-key"] == "sms-key"
    payload = request.json()
    assert payload["mobile"] == "13800000002"
    assert payload["id"] == "gongjian-delivery-3"
    assert len(payload["content"]) <= 120
    assert payload["content"].startswith("【催报】2024年9月重点项目进度尚未报送：")
    assert payload["content"].endswith("详情：http://127.0.0.1:8000/progress-reports?year=2024&month=9")


async def test_sms_body_template_error_fails_the_message_without_calling_the_gateway(
    http_sink: HttpSink,
) -> None:
    settings = SmsSettings(url=f"{http_sink.base_url}/sms", body_template='{"m": {{ missing_variable }}}')
    async with pool(2) as clients:
        outcomes = await SmsChannel(settings, clients).send([message(3, "13800000002")])
    assert outcomes[0].status == "failed"
    assert "missing_variable" in (outcomes[0].error or "")
    assert http_sink.requests == []
