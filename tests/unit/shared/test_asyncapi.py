"""The AsyncAPI document of the events: generated from the models, checked in, valid AsyncAPI 3.0."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from gongjian_shared.events import contracts
from gongjian_shared.events.asyncapi import ASYNCAPI_PATH, message_id, render_asyncapi
from gongjian_shared.events.cloudevents import cloudevents_headers, cloudevents_type
from gongjian_shared.events.registry import STREAM_PRODUCERS

PINNED_SCHEMA = Path(__file__).parents[2] / "contract" / "asyncapi" / "asyncapi-3.0.0.schema.json"


def refuse_to_fetch(uri: str) -> Any:
    raise AssertionError(f"the AsyncAPI schema refers to {uri}, which is not in the pinned copy")


@pytest.fixture(scope="module")
def validator() -> jsonschema_rs.Draft7Validator:
    schema = json.loads(PINNED_SCHEMA.read_text(encoding="utf-8"))
    assert schema["$id"] == "http://asyncapi.com/definitions/3.0.0/asyncapi.json"
    return jsonschema_rs.Draft7Validator(schema, retriever=refuse_to_fetch, validate_formats=True)


def errors(validator: jsonschema_rs.Draft7Validator, document: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_checked_in_asyncapi_document_matches_the_models() -> None:
    on_disk = json.loads(ASYNCAPI_PATH.read_text(encoding="utf-8"))
    assert on_disk == render_asyncapi(), "asyncapi.json drifted: run `make schemas` and commit the result"


def test_the_document_validates_against_the_pinned_asyncapi_3_schema(
    validator: jsonschema_rs.Draft7Validator,
) -> None:
    document = json.loads(ASYNCAPI_PATH.read_text(encoding="utf-8"))
    assert document["asyncapi"] == "3.0.0"
    assert errors(validator, document) == []


def test_the_pinned_schema_refuses_a_broken_document(validator: jsonschema_rs.Draft7Validator) -> None:
    broken = copy.deepcopy(render_asyncapi())
    broken["operations"]["publish-projects"]["action"] = "publish"  # AsyncAPI 2's word; 3.0 says send
    del broken["info"]["version"]
    broken["components"]["messages"]["project-registered.v1"]["payload"]["type"] = 7
    found = errors(validator, broken)
    assert any(line.startswith("operations/publish-projects") for line in found), found
    assert any(line.startswith("info") for line in found), found
    assert any(line.startswith("components/messages/project-registered.v1") for line in found), found


def test_every_contract_is_a_message_on_its_streams_channel() -> None:
    document = render_asyncapi()
    assert set(document["channels"]) == set(STREAM_PRODUCERS)
    assert document["channels"]["projects"]["address"] == "gongjian.projects"
    for (event_type, version), payload in contracts().items():
        name = message_id(event_type, version)
        channel = document["channels"][payload.stream]
        assert channel["messages"][name] == {"$ref": f"#/components/messages/{name}"}
        message = document["components"]["messages"][name]
        assert message["payload"]["properties"]["type"]["const"] == event_type
        assert message["payload"]["properties"]["version"]["const"] == version
        headers = message["headers"]["properties"]
        assert headers["ce_type"]["const"] == cloudevents_type(event_type, version)
        operation = document["operations"][f"publish-{payload.stream}"]
        assert {"$ref": f"#/channels/{payload.stream}/messages/{name}"} in operation["messages"]


def test_a_payloads_nested_models_resolve_inside_the_document() -> None:
    document = render_asyncapi()
    text = json.dumps(document)
    assert "#/$defs/" not in text
    schemas = document["components"]["schemas"]
    for ref in {part.split('"')[0] for part in text.split('"$ref": "#/components/schemas/')[1:]}:
        assert ref in schemas, ref


def test_the_cloudevents_headers_of_an_envelope() -> None:
    envelope = {
        "event_id": "6f1f1e0c-0a47-4a8e-9a55-3e5f0d7d0b11",
        "type": "project-registered",
        "version": 1,
        "occurred_at": "2026-03-01T02:00:00Z",
        "producer": "projects-api",
        "key": "k",
        "correlation_id": None,
        "payload": {},
    }
    assert dict(cloudevents_headers(envelope)) == {
        "ce_id": b"6f1f1e0c-0a47-4a8e-9a55-3e5f0d7d0b11",
        "ce_source": b"/gongjian/projects-api",
        "ce_type": b"cn.gov.ankang.gongjian.project-registered.v1",
        "ce_time": b"2026-03-01T02:00:00Z",
        "ce_specversion": b"1.0",
        "content-type": b"application/json",
        "type": b"project-registered",
    }
