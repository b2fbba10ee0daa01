"""The AsyncAPI 3.0 document of every topic and event, generated from the payload models and checked in.

One channel per stream (Kafka topic `gongjian.<stream>` with the default prefix), one message per
(event type, version), whose payload is the envelope with that event's payload inside and whose headers
are the CloudEvents binary-mode headers (`gongjian_shared.events.cloudevents`). The payload models' schemas
live once in `components.schemas`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic.json_schema import models_json_schema

from gongjian_shared.events.cloudevents import (
    CONTENT_TYPE,
    LEGACY_TYPE_HEADER,
    SPEC_VERSION,
    cloudevents_source,
    cloudevents_type,
)
from gongjian_shared.events.envelope import EventEnvelope, EventPayload
from gongjian_shared.events.registry import STREAM_PRODUCERS, contracts, topic_name

ASYNCAPI_PATH = Path(__file__).parent / "asyncapi.json"
ASYNCAPI_VERSION = "3.0.0"
DOCUMENT_VERSION = "0.1.0"
DEFAULT_TOPIC_PREFIX = "gongjian."
REF_TEMPLATE = "#/components/schemas/{model}"
KAFKA_BINDING_VERSION = "0.5.0"

DESCRIPTION = (
    "Every event Gongjian (攻坚) publishes, one Kafka topic per producing service, keyed by aggregate id so one "
    "project's, meeting's or unit's events stay in order. The topic prefix is settable (`KAFKA__TOPIC_PREFIX`, "
    "`gongjian.` by default). Each record's value is the JSON envelope (`event_id`, `type`, `version`, "
    "`occurred_at`, `producer`, `key`, `correlation_id`, `payload`); its headers are the CloudEvents 1.0 "
    "binary-mode attributes: `ce_id` = `event_id`, `ce_source` = `/gongjian/<producer>`, `ce_type` = "
    "`cn.gov.ankang.gongjian.<type>.v<version>`, `ce_time` = `occurred_at`, `ce_specversion` = `1.0`, "
    "`content-type` = `application/json`, and `type` (the event type alone).\n\n"
    "Versions: within one version an event only gains optional fields with defaults; no field is removed, "
    "retyped or made required, and no enum value is removed. Anything else is a new version (a new message "
    "here), and both versions are published side by side for one release "
    "(shared/src/gongjian_shared/events/README.md)."
)


def _payload_schemas() -> tuple[dict[tuple[str, int], dict[str, Any]], dict[str, Any]]:
    """Each contract's `$ref` into components.schemas, and those schemas (nested models included)."""
    ordered = sorted(contracts().items())
    refs, top = models_json_schema(
        [(payload, "validation") for _, payload in ordered], ref_template=REF_TEMPLATE
    )
    schemas: dict[str, Any] = dict(sorted(top.get("$defs", {}).items()))
    by_key = {key: dict(refs[(payload, "validation")]) for key, payload in ordered}
    for (event_type, version), payload in ordered:
        name = by_key[(event_type, version)]["$ref"].rsplit("/", 1)[1]
        schemas[name] = schemas[name] | {
            "title": f"{event_type} v{version} payload",
            "description": payload.summary,
        }
    return by_key, schemas


def _envelope(event_type: str, version: int, payload_ref: dict[str, Any]) -> dict[str, Any]:
    envelope = EventEnvelope.model_json_schema(ref_template=REF_TEMPLATE)
    properties = dict(envelope["properties"])
    properties["type"] = properties["type"] | {"const": event_type}
    properties["version"] = properties["version"] | {"const": version}
    properties["payload"] = payload_ref
    return envelope | {
        "title": f"{event_type} v{version} envelope",
        "description": "The record's value: the envelope every event travels in, with this event's payload.",
        "properties": properties,
    }


def _headers(event_type: str, version: int, producer: str) -> dict[str, Any]:
    def text(description: str, **rules: Any) -> dict[str, Any]:
        return {"type": "string", "description": description, **rules}

    return {
        "type": "object",
        "description": "Kafka record headers: CloudEvents 1.0 attributes, Kafka protocol binding, binary mode.",
        "required": ["ce_id", "ce_source", "ce_type", "ce_time", "ce_specversion", "content-type"],
        "properties": {
            "ce_id": text("The envelope's event_id.", format="uuid"),
            "ce_source": text("The producing service.", const=cloudevents_source(producer)),
            "ce_type": text("Event type and version.", const=cloudevents_type(event_type, version)),
            "ce_time": text("The envelope's occurred_at (RFC 3339, UTC).", format="date-time"),
            "ce_specversion": text("CloudEvents version.", const=SPEC_VERSION),
            "content-type": text("Media type of the record's value.", const=CONTENT_TYPE),
            LEGACY_TYPE_HEADER: text("The event type alone.", const=event_type),
        },
    }


def _message(
    event_type: str, version: int, payload: type[EventPayload], payload_ref: dict[str, Any]
) -> dict[str, Any]:
    producer = STREAM_PRODUCERS[payload.stream]
    return {
        "name": event_type,
        "title": f"{event_type} v{version}",
        "summary": payload.summary or event_type,
        "contentType": CONTENT_TYPE,
        "headers": _headers(event_type, version, producer),
        "payload": _envelope(event_type, version, payload_ref),
        "correlationId": {
            "description": "The request or event that caused this one.",
            "location": "$message.payload#/correlation_id",
        },
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": "The aggregate id (the envelope's key)."},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
        "x-event-type": event_type,
        "x-event-version": version,
    }


def message_id(event_type: str, version: int) -> str:
    return f"{event_type}.v{version}"


def render_asyncapi() -> dict[str, Any]:
    refs, schemas = _payload_schemas()
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for stream, producer in STREAM_PRODUCERS.items():
        keys = sorted(key for key, payload in contracts().items() if payload.stream == stream)
        for event_type, version in keys:
            payload = contracts()[(event_type, version)]
            messages[message_id(*(event_type, version))] = _message(
                event_type, version, payload, refs[(event_type, version)]
            )
        channel_messages = {
            message_id(*key): {"$ref": f"#/components/messages/{message_id(*key)}"} for key in keys
        }
        channels[stream] = {
            "address": topic_name(DEFAULT_TOPIC_PREFIX, stream),
            "title": f"{stream} events",
            "description": f"Events {producer} publishes; keyed by aggregate id. Dead letters of a consumer "
            f"group go to `{topic_name(DEFAULT_TOPIC_PREFIX, stream)}.dlq`.",
            "messages": channel_messages,
            "bindings": {
                "kafka": {"topic": topic_name(DEFAULT_TOPIC_PREFIX, stream), "bindingVersion": "0.5.0"}
            },
        }
        operations[f"publish-{stream}"] = {
            "action": "send",
            "title": f"{producer} publishes",
            "summary": f"{producer} publishes its outbox to the topic, in commit order per key.",
            "channel": {"$ref": f"#/channels/{stream}"},
            "messages": [{"$ref": f"#/channels/{stream}/messages/{name}"} for name in channel_messages],
        }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "id": "urn:cn:gov:ankang:gongjian:events",
        "info": {
            "title": "Gongjian (攻坚) events",
            "version": DOCUMENT_VERSION,
            "description": DESCRIPTION,
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "kafka": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "The broker of a local deployment (`make dev-kafka`); set yours.",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }
