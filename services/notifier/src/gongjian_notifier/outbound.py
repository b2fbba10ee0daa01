"""Outbound URLs that units and operators set (IM robots, the SMS gateway): never a way into the intranet.

A robot URL is https to one of the vendor's robot hosts (the settings' allow-list); the SMS gateway URL is
https. Every address the host resolves to must be public: not private, loopback, link-local, shared, reserved
or multicast. A unit's URL is checked when set; every URL again before each send, since DNS answers change.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gongjian_notifier.settings import NotifierSettings

RESOLVE_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Refusal:
    """Why a URL may not be called; `permanent` False when only the name lookup failed (try again later)."""

    message: str
    message_zh: str
    permanent: bool = True

    def text(self) -> str:
        return f"outbound URL refused: {self.message} / 外发地址被拒绝：{self.message_zh}"


def _address_refusal(host: str, address: str) -> Refusal | None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    for candidate in (ip, mapped):
        if candidate is not None and (not candidate.is_global or candidate.is_multicast):
            return Refusal(
                f"{host} resolves to {address}, a private, loopback, link-local or reserved address",
                f"{host} 解析为内网、本机或保留地址 {address}",
            )
    return None


def url_refusal(url: str, allowed_hosts: Sequence[str] | None) -> Refusal | None:
    """The checks that need no DNS: https, a host (in `allowed_hosts` unless None), no user info, and an IP
    literal only if public."""
    try:
        parts = urllib.parse.urlsplit(url)
        _ = parts.port  # a port out of range or not a number raises here
    except ValueError as exc:
        return Refusal(f"not a URL ({exc})", "不是有效的网址")
    if parts.scheme.lower() != "https":
        return Refusal(f"must be https, not {parts.scheme or 'no scheme'}", "须为 https 地址")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        return Refusal("has no host", "缺少主机名")
    if parts.username is not None or parts.password is not None:
        return Refusal("must not carry a user name or password", "不得包含用户名或密码")
    if allowed_hosts is not None and host not in {name.rstrip(".").lower() for name in allowed_hosts}:
        allowed = ", ".join(allowed_hosts) or "none"
        return Refusal(
            f"host {host} is not an allowed robot host (allowed: {allowed})",
            f"主机 {host} 不是允许的机器人地址（允许：{allowed}）",
        )
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return None
    return _address_refusal(host, host)


async def address_refusal(url: str) -> Refusal | None:
    """Every address the URL's host resolves to (the event loop's getaddrinfo) must be public."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    try:
        infos = await asyncio.wait_for(
            asyncio.get_running_loop().getaddrinfo(
                host, parts.port or 443, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
            ),
            RESOLVE_TIMEOUT_SECONDS,
        )
    except (OSError, TimeoutError, UnicodeError) as exc:
        return Refusal(f"cannot resolve {host}: {exc}", f"无法解析主机 {host}", permanent=False)
    if not infos:
        return Refusal(f"{host} resolves to no address", f"主机 {host} 无地址", permanent=False)
    for *_, sockaddr in infos:
        refusal = _address_refusal(host, str(sockaddr[0]))
        if refusal is not None:
            return refusal
    return None


class OutboundPolicy:
    """The rule for one running notifier: which hosts each channel may call."""

    def __init__(self, settings: NotifierSettings) -> None:
        self.unrestricted = settings.outbound_unrestricted
        self._hosts: dict[str, tuple[str, ...] | None] = {
            "wecom": settings.wecom.allowed_hosts,
            "dingtalk": settings.dingtalk.allowed_hosts,
            "sms": None,
        }

    def governs(self, channel: str) -> bool:
        return channel in self._hosts

    async def refusal(self, channel: str, url: str) -> Refusal | None:
        """None when `channel` may call `url` now."""
        if self.unrestricted or channel not in self._hosts:
            return None
        return url_refusal(url, self._hosts[channel]) or await address_refusal(url)
