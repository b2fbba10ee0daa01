"""The email channel writes a message byte for byte as compat32 MIMEText did, without building the object."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from gongjian_notifier.channels.base import Message, plain_text
from gongjian_notifier.channels.email import SMTP_LINES, EmailChannel
from gongjian_notifier.settings import EmailSettings
from gongjian_shared.clock import FrozenClock

CLOCK = FrozenClock(datetime(2024, 10, 8, 1, 0, tzinfo=UTC))


def reference(channel_settings: EmailSettings, message: Message) -> bytes:
    """What the channel sent before: a compat32 MIMEText, its headers set one by one."""
    from email.mime.text import MIMEText
    from email.utils import format_datetime, formataddr

    domain = channel_settings.sender.rpartition("@")[2] or "localhost"
    mail = MIMEText(plain_text(message), "plain", "utf-8")
    mail["Subject"] = message.title
    mail["From"] = formataddr((channel_settings.sender_name, channel_settings.sender))
    mail["To"] = formataddr((message.recipient_name, message.address))
    mail["Date"] = format_datetime(CLOCK.now())
    mail["Message-ID"] = f"<{message.key}@{domain}>"
    mail["X-Gongjian-Delivery"] = message.key
    if message.urgency == "urgent":
        mail["X-Priority"] = "1"
    return mail.as_bytes(policy=SMTP_LINES)


# no line breaks or other control characters: titles and names are one line of text where they come from
line = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=120)


@settings(max_examples=300, deadline=None)
@given(
    title=line.filter(str.strip),
    name=line,
    body=st.text(st.characters(blacklist_categories=("Cs",)), max_size=600),
    delivery_id=st.integers(min_value=1, max_value=10**12),
    urgent=st.booleans(),
    sender_name=line,
    long_key=st.booleans(),
)
def test_the_message_is_the_bytes_mimetext_wrote(
    title: str,
    name: str,
    body: str,
    delivery_id: int,
    urgent: bool,
    sender_name: str,
    long_key: bool,
) -> None:
    key = f"gongjian-{'digest-' * 12 if long_key else 'delivery-'}{delivery_id}"
    message = Message(
        delivery_id=delivery_id,
        key=key,
        address="zhang@unit.test",
        recipient_name=name,
        title=title,
        body=body,
        link="http://127.0.0.1:8000/progress-reports?year=2024&month=9",
        urgency="urgent" if urgent else "normal",
    )
    channel_settings = EmailSettings(host="127.0.0.1", sender="notice@ankang.test", sender_name=sender_name)
    channel = EmailChannel(channel_settings, CLOCK)
    assert channel._mime(message) == reference(channel_settings, message)


def test_a_chinese_notice_is_the_bytes_mimetext_wrote() -> None:
    message = Message(
        delivery_id=7,
        key="gongjian-delivery-7",
        address="zhang@unit.test",
        recipient_name="张联络",
        title="【催报】2024年9月重点项目进度尚未报送" * 3,  # folded over several encoded words
        body="汉滨区：\n贵单位尚有 2 个重点项目未报送。\n.\n以点开头的行",
        link="http://127.0.0.1:8000/progress-reports?year=2024&month=9",
        urgency="urgent",
    )
    channel_settings = EmailSettings(host="127.0.0.1", sender="notice@ankang.test")
    sent = EmailChannel(channel_settings, CLOCK)._mime(message)
    assert sent == reference(channel_settings, message)
    assert b"\r\nSubject: =?utf-8?b?" in sent and b"\r\n =?utf-8?b?" in sent  # more than one line
