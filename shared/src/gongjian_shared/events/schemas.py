"""JSON Schema of every event contract, generated from the models and checked in beside them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gongjian_shared.events.asyncapi import ASYNCAPI_PATH, render_asyncapi
from gongjian_shared.events.envelope import EventEnvelope
from gongjian_shared.events.registry import contracts, topic_name

SCHEMA_DIR = Path(__file__).parent / "schemas"


def render_schemas() -> dict[str, dict[str, Any]]:
    rendered: dict[str, dict[str, Any]] = {"envelope.json": EventEnvelope.model_json_schema()}
    for (event_type, version), payload in sorted(contracts().items()):
        schema = payload.model_json_schema()
        schema["title"] = f"{event_type} v{version}"
        schema["description"] = payload.summary
        schema["x-stream"] = payload.stream
        schema["x-topic"] = topic_name("<prefix>", payload.stream)
        rendered[f"{event_type}.v{version}.json"] = schema
    return rendered


def dump(document: dict[str, Any]) -> str:
    """The checked-in form of a generated document."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_schemas() -> None:
    """Rewrite the JSON Schema of every contract and the AsyncAPI document (`gongjian events --write`)."""
    SCHEMA_DIR.mkdir(exist_ok=True)
    for stale in SCHEMA_DIR.glob("*.json"):
        stale.unlink()
    for name, schema in render_schemas().items():
        (SCHEMA_DIR / name).write_text(dump(schema), encoding="utf-8")
    ASYNCAPI_PATH.write_text(dump(render_asyncapi()), encoding="utf-8")
