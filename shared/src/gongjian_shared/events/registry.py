"""Every event contract, by (type, version), and the topic each stream travels on."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from gongjian_shared.events.envelope import EventEnvelope, EventPayload

P = TypeVar("P", bound=EventPayload)

_CONTRACTS: dict[tuple[str, int], type[EventPayload]] = {}
_STREAMS: dict[str, str] = {}

# A stream is the log of one producing service; on Kafka it is one topic, keyed by aggregate id so that
# events of one project, meeting or unit stay in order.
STREAM_PRODUCERS = {
    "projects": "projects-api",
    "meetings": "meetings-api",
    "scoring": "scoring-worker",
    "notifier": "notifier",
}


def contract(payload_type: type[P]) -> type[P]:
    key = (payload_type.event_type, payload_type.event_version)
    if key in _CONTRACTS:
        raise RuntimeError(f"event contract {key} registered twice")
    if payload_type.stream not in STREAM_PRODUCERS:
        raise RuntimeError(f"event contract {key} names an unknown stream {payload_type.stream}")
    _CONTRACTS[key] = payload_type
    _STREAMS[payload_type.event_type] = payload_type.stream
    return payload_type


def contracts() -> dict[tuple[str, int], type[EventPayload]]:
    return dict(_CONTRACTS)


def contract_for(event_type: str, version: int) -> type[EventPayload]:
    try:
        return _CONTRACTS[(event_type, version)]
    except KeyError:
        raise KeyError(f"no contract for event {event_type} v{version}") from None


def stream_of(event_type: str) -> str:
    try:
        return _STREAMS[event_type]
    except KeyError:
        raise KeyError(f"no contract for event {event_type}") from None


def streams_of(event_types: Iterable[str]) -> set[str]:
    return {stream_of(name) for name in event_types}


def topic_name(prefix: str, stream: str) -> str:
    return f"{prefix}{stream}"


def parse_payload(envelope: EventEnvelope) -> EventPayload:
    return contract_for(envelope.type, envelope.version).model_validate(envelope.payload)
