"""The soak's verdict, read from the databases and the broker: every write answered 2xx is stored and caused its
event exactly once; every event was applied by each consumer group that takes it (its inbox row) and is on the
broker; every due deadline fired, none twice; every notification delivered (or failed, on the office's failure
list) once per recipient and channel; the scores equal a recompute from scratch."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import asyncpg

from gongjian.services import SERVICES
from gongjian_shared.events.registry import contracts

# kind of write -> (its table, the id column, an extra condition), and the event it causes exactly once
STORED = {
    "project": ("projects.projects", "id", ""),
    "report": ("projects.progress_reports", "id", ""),
    "acceptance": ("projects.progress_reports", "id", " AND status = 'accepted'"),
    "topic": ("meetings.topics", "id", ""),
    "feedback": ("meetings.feedback", "id", ""),
}
CAUSED = {
    "project": ("projects", "project-registered", "project_id"),
    "report": ("projects", "progress-report-late", "report_id"),
    "acceptance": ("projects", "progress-reported", "report_id"),
    "topic": ("meetings", "topic-submitted", "topic_id"),
    "feedback": ("meetings", "feedback-submitted", "feedback_id"),
}
# what the meetings scheduler emits when a deadline fires: one row per deadline, never two alike
DEADLINE_TYPES = (
    "topic-submission-closing",
    "topic-submission-closed",
    "agenda-review-due",
    "meeting-upcoming",
    "resolution-due",
    "resolution-overdue",
    "resolution-escalated",
)
SCHEMAS = tuple(entry.spec.schema for entry in SERVICES)


@dataclass
class Verdict:
    counts: dict[str, int] = field(default_factory=dict)
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.lost and not self.duplicated

    def summary(self, limit: int = 10) -> str:
        lines = [f"{name}: {value}" for name, value in self.counts.items()]
        lines += [f"lost: {len(self.lost)}", f"duplicated: {len(self.duplicated)}"]
        lines += [f"  LOST {item}" for item in self.lost[:limit]]
        lines += [f"  DUPLICATED {item}" for item in self.duplicated[:limit]]
        return "\n".join(lines)


def consumer_groups() -> dict[str, tuple[str, set[str]]]:
    """Each consumer group id -> (the schema of its inbox, the event types it applies)."""
    type_of = {payload: event_type for (event_type, _), payload in contracts().items()}
    return {
        f"{entry.spec.name}.{group}": (entry.spec.schema, {type_of[payload] for payload in handlers})
        for entry in SERVICES
        for group, handlers in entry.spec.event_handlers.items()
    }


async def check_writes(
    db: asyncpg.Connection, acknowledged: Sequence[tuple[str, str]], verdict: Verdict
) -> None:
    for kind, (table, column, condition) in STORED.items():
        ids = [uuid.UUID(value) for k, value in acknowledged if k == kind]
        found = await db.fetch(f"SELECT {column} AS id FROM {table} WHERE {column} = ANY($1){condition}", ids)
        verdict.lost += [
            f"{kind} {value}: answered 2xx, not in {table}" for value in set(ids) - {r["id"] for r in found}
        ]
        schema, event_type, key = CAUSED[kind]
        rows = await db.fetch(
            f"SELECT envelope->'payload'->>'{key}' AS id, count(*) AS n FROM {schema}.outbox "
            f"WHERE type = $1 AND envelope->'payload'->>'{key}' = ANY($2) GROUP BY 1",
            event_type,
            [str(value) for value in ids],
        )
        caused = {row["id"]: row["n"] for row in rows}
        for value in {str(value) for value in ids}:
            if caused.get(value, 0) == 0:
                verdict.lost.append(f"{kind} {value}: no {event_type} event in {schema}.outbox")
            elif caused[value] > 1:
                verdict.duplicated.append(f"{kind} {value}: {caused[value]} {event_type} events")
    verdict.counts["writes acknowledged"] = len(acknowledged)


async def check_applied(db: asyncpg.Connection, verdict: Verdict) -> None:
    """Every event in every outbox has one inbox row in each consumer group that applies its type."""
    events = applications = 0
    for schema in SCHEMAS:
        events += int(await db.fetchval(f"SELECT count(*) FROM {schema}.outbox"))
    for group, (schema, types) in consumer_groups().items():
        for source in SCHEMAS:
            missing = await db.fetch(
                f"SELECT o.event_id, o.type FROM {source}.outbox o WHERE o.type = ANY($1) AND NOT EXISTS "
                f"(SELECT 1 FROM {schema}.inbox i WHERE i.group_id = $2 AND i.event_id = o.event_id)",
                list(types),
                group,
            )
            verdict.lost += [
                f"{row['type']} {row['event_id']} from {source}: not applied by {group}" for row in missing
            ]
        applications += int(
            await db.fetchval(f"SELECT count(*) FROM {schema}.inbox WHERE group_id = $1", group)
        )
        dead = await db.fetch(
            f"SELECT event_id, type, error FROM {schema}.dead_letters WHERE group_id = $1", group
        )
        verdict.lost += [
            f"{r['type']} {r['event_id']} dead-lettered by {group}: {r['error'][:200]}" for r in dead
        ]
    verdict.counts["events"] = events
    verdict.counts["applications (inbox rows)"] = applications


async def check_deadlines(db: asyncpg.Connection, now: datetime, verdict: Verdict) -> None:
    unfired = await db.fetch(
        "SELECT id, kind, due_at FROM meetings.deadlines "
        "WHERE fired_at IS NULL AND cancelled_at IS NULL AND due_at <= $1",
        now,
    )
    verdict.lost += [
        f"deadline {r['id']} ({r['kind']}) due {r['due_at']:%Y-%m-%d %H:%M} never fired" for r in unfired
    ]
    twice = await db.fetch(
        "SELECT type, key, envelope->'payload' AS payload, count(*) AS n FROM meetings.outbox "
        "WHERE type = ANY($1) GROUP BY 1, 2, 3 HAVING count(*) > 1",
        list(DEADLINE_TYPES),
    )
    verdict.duplicated += [f"deadline event {r['type']} for {r['key']} emitted {r['n']} times" for r in twice]
    verdict.counts["deadlines fired"] = int(
        await db.fetchval("SELECT count(*) FROM meetings.deadlines WHERE fired_at IS NOT NULL")
    )


async def check_notifications(db: asyncpg.Connection, now: datetime, verdict: Verdict) -> None:
    """Each delivery (notification, recipient, channel) delivered, or failed onto the office's failure list."""
    waiting = await db.fetch(
        "SELECT d.id, d.channel, d.status, n.event_type FROM notifier.deliveries d "
        "JOIN notifier.notifications n ON n.id = d.notification_id "
        "WHERE d.status IN ('pending', 'sending') AND d.not_before <= $1",
        now,
    )
    verdict.lost += [
        f"delivery {r['id']} ({r['event_type']}, {r['channel']}) still {r['status']}" for r in waiting
    ]
    twice = await db.fetch(
        "SELECT notification_id, recipient_key, channel, count(*) AS n FROM notifier.deliveries "
        "GROUP BY 1, 2, 3 HAVING count(*) > 1"
    )
    verdict.duplicated += [
        f"delivery of {r['notification_id']} to {r['recipient_key']} by {r['channel']} x{r['n']}"
        for r in twice
    ]
    again = await db.fetch(
        "SELECT event_id, event_type, count(*) AS n FROM notifier.notifications WHERE event_id IS NOT NULL "
        "GROUP BY event_id, event_type, unit_id, office, level, title, body HAVING count(*) > 1"
    )
    verdict.duplicated += [
        f"notification of {r['event_type']} {r['event_id']} made {r['n']} times" for r in again
    ]
    for status in ("delivered", "failed"):
        verdict.counts[f"deliveries {status}"] = int(
            await db.fetchval("SELECT count(*) FROM notifier.deliveries WHERE status = $1", status)
        )


def broker_counts(found: dict[uuid.UUID, int], outbox: Iterable[uuid.UUID], verdict: Verdict) -> None:
    """Every outbox event is on the broker; copies past the first are redeliveries the inboxes dropped."""
    ids = set(outbox)
    verdict.lost += [f"event {event_id} never reached the broker" for event_id in ids - set(found)]
    verdict.counts["events on the broker"] = len(ids & set(found))
    verdict.counts["redelivered copies (dropped by inboxes)"] = sum(n - 1 for n in found.values() if n > 1)
