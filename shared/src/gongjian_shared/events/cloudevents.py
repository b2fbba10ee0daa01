"""CloudEvents 1.0 attributes of an event, as Kafka binary-mode headers (the Kafka protocol binding).

The record's value stays the envelope; these headers repeat what an outside consumer needs to route and check
a record without our code: `ce_id` is the envelope's `event_id`, `ce_source` names the producing service,
`ce_type` the event type and version, `ce_time` when it happened.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
TYPE_PREFIX = "cn.gov.ankang.gongjian."
SOURCE_PREFIX = "/gongjian/"
# Besides the CloudEvents attributes, the event type alone (the header consumers read before these existed).
LEGACY_TYPE_HEADER = "type"
HEADER_NAMES = ("ce_id", "ce_source", "ce_type", "ce_time", "ce_specversion", "content-type")


def cloudevents_type(event_type: str, version: int) -> str:
    """`cn.gov.ankang.gongjian.project-registered.v1`: reverse-DNS prefixed, one value per payload schema."""
    return f"{TYPE_PREFIX}{event_type}.v{version}"


def cloudevents_source(producer: str) -> str:
    return f"{SOURCE_PREFIX}{producer}"


def cloudevents_headers(envelope: Mapping[str, Any]) -> list[tuple[str, bytes]]:
    """The Kafka headers of one envelope, as stored in an outbox row (its JSON form)."""
    values = {
        "ce_id": str(envelope["event_id"]),
        "ce_source": cloudevents_source(str(envelope["producer"])),
        "ce_type": cloudevents_type(str(envelope["type"]), int(envelope["version"])),
        "ce_time": str(envelope["occurred_at"]),
        "ce_specversion": SPEC_VERSION,
        "content-type": CONTENT_TYPE,
        LEGACY_TYPE_HEADER: str(envelope["type"]),
    }
    return [(name, value.encode()) for name, value in values.items()]
