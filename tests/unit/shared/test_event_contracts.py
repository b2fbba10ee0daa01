"""Event contracts: the checked-in JSON Schemas match the models, and the envelope rejects bad shapes."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from gongjian_shared.events import EventEnvelope, contracts, parse_payload
from gongjian_shared.events.projects import UnitUpdated
from gongjian_shared.events.registry import STREAM_PRODUCERS
from gongjian_shared.events.schemas import SCHEMA_DIR, render_schemas


def test_checked_in_schemas_match_the_models() -> None:
    rendered = render_schemas()
    on_disk = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in SCHEMA_DIR.glob("*.json")}
    assert on_disk == rendered, "event schemas drifted: run `make schemas` and commit the result"


def test_every_event_type_is_kebab_case_and_on_a_known_stream() -> None:
    for (event_type, version), payload in contracts().items():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)+", event_type), event_type
        assert version >= 1
        assert payload.stream in STREAM_PRODUCERS


def test_envelope_round_trip_and_typed_payload() -> None:
    payload = UnitUpdated(
        unit_id=uuid.uuid4(),
        name="汉滨区",
        kind="county",
        admin_code="610902",
        parent_unit_id=None,
        joint_meeting_member=True,
    )
    envelope = EventEnvelope.wrap(payload, producer="projects-api", key="k", occurred_at=datetime.now(UTC))
    again = EventEnvelope.model_validate_json(envelope.to_json_bytes())
    assert parse_payload(again) == payload


@pytest.mark.parametrize(
    "change",
    [{"type": "UnitUpdated"}, {"occurred_at": "2019-01-01T00:00:00"}, {"version": 0}, {"extra": 1}],
)
def test_envelope_rejects_bad_shapes(change: dict[str, object]) -> None:
    good = {
        "event_id": str(uuid.uuid4()),
        "type": "unit-updated",
        "version": 1,
        "occurred_at": "2019-01-01T00:00:00+08:00",
        "producer": "projects-api",
        "key": "k",
        "payload": {},
    }
    with pytest.raises(ValidationError):
        EventEnvelope.model_validate(good | change)
