"""Event contracts: the envelope, the registry and every versioned payload model."""

from gongjian_shared.events import accounts as accounts
from gongjian_shared.events import meetings as meetings
from gongjian_shared.events import notifier as notifier
from gongjian_shared.events import projects as projects
from gongjian_shared.events import scoring as scoring
from gongjian_shared.events import starts as starts
from gongjian_shared.events.envelope import EventEnvelope, EventPayload
from gongjian_shared.events.registry import contract_for, contracts, parse_payload, stream_of, topic_name

__all__ = [
    "EventEnvelope",
    "EventPayload",
    "contract_for",
    "contracts",
    "parse_payload",
    "stream_of",
    "topic_name",
]
