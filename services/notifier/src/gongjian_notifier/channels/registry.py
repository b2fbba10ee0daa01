"""Which channels run: the inbox always; the others when their settings are there."""

from __future__ import annotations

from gongjian_notifier.channels.base import Channel, ChannelRegistry, InboxChannel
from gongjian_notifier.channels.email import EmailChannel
from gongjian_notifier.channels.http import HttpClient
from gongjian_notifier.channels.sms import SmsChannel
from gongjian_notifier.channels.webhooks import DingTalkChannel, WeComChannel
from gongjian_notifier.settings import NotifierSettings
from gongjian_shared.clock import Clock


def build_channels(settings: NotifierSettings, clock: Clock) -> ChannelRegistry:
    client = HttpClient(settings.delivery.concurrency)
    channels: list[Channel] = [InboxChannel()]
    if settings.email.host:
        channels.append(EmailChannel(settings.email, clock))
    if settings.wecom.enabled:
        channels.append(WeComChannel(client, settings.wecom.timeout_seconds))
    if settings.dingtalk.enabled:
        channels.append(DingTalkChannel(client, settings.dingtalk.timeout_seconds, clock))
    if settings.sms.url:
        channels.append(SmsChannel(settings.sms, client))
    registry = ChannelRegistry(channels)
    registry.on_close(client.aclose)
    return registry
