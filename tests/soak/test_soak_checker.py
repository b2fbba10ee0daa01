"""The soak's checker can fail: on a migrated database it passes when everything holds, and exits 1 for a write
answered 2xx that is not stored, an event no consumer group applied, and an event applied twice (two
notifications made from one event). PostgreSQL only; no service runs."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg

from soak.check import consumer_groups

ROOT = Path(__file__).resolve().parents[2]


def verify(
    database_url: str, ledger: list[tuple[str, str]], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    path = tmp_path / f"ledger-{uuid.uuid4().hex[:6]}.json"
    path.write_text(json.dumps(ledger))
    command = [sys.executable, "-m", "soak.verify", database_url, str(path)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


async def execute(database_url: str, sql: str, *args: object) -> None:
    db = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        await db.execute(sql, *args)
    finally:
        await db.close()


async def test_a_consistent_database_passes(database_url: str, tmp_path: Path) -> None:
    result = verify(database_url, [], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "lost: 0" in result.stdout and "duplicated: 0" in result.stdout


async def test_a_lost_acknowledged_write_fails_the_check(database_url: str, tmp_path: Path) -> None:
    report = str(uuid.uuid4())
    result = verify(database_url, [("report", report)], tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"LOST report {report}: answered 2xx, not in projects.progress_reports" in result.stdout
    assert f"LOST report {report}: no progress-report-late event" in result.stdout


async def test_an_event_no_group_applied_fails_the_check(database_url: str, tmp_path: Path) -> None:
    event_id = uuid.uuid4()
    envelope = {"event_id": str(event_id), "type": "unit-updated", "payload": {}}
    await execute(
        database_url,
        "INSERT INTO projects.outbox (event_id, type, version, stream, key, envelope) "
        "VALUES ($1, 'unit-updated', 1, 'projects', 'k', $2::jsonb)",
        event_id,
        json.dumps(envelope),
    )
    groups = [group for group, (_, types) in consumer_groups().items() if "unit-updated" in types]
    assert "scoring-worker.facts" in groups
    result = verify(database_url, [], tmp_path)
    assert result.returncode == 1, result.stdout
    for group in groups:
        assert f"unit-updated {event_id} from projects: not applied by {group}" in result.stdout


NOTIFICATION = """
INSERT INTO notifier.notifications (id, key, event_id, event_type, unit_id, unit_name, office, urgency,
    needs_ack, level, root_id, title, body, link, status, leader_ids, release_at, created_at)
VALUES ($1, $2, $3, 'feedback-submitted', NULL, NULL, true, 'normal', false, 0, $1, '反馈', '已反馈', '/x',
    'active', '{}', now(), now())
"""


async def test_an_event_applied_twice_fails_the_check(database_url: str, tmp_path: Path) -> None:
    event_id = uuid.uuid4()
    for _ in range(2):  # what a consumer without its inbox makes of a redelivered event
        await execute(database_url, NOTIFICATION, uuid.uuid4(), uuid.uuid4().hex, event_id)
    result = verify(database_url, [], tmp_path)
    assert result.returncode == 1, result.stdout
    assert f"DUPLICATED notification of feedback-submitted {event_id} made 2 times" in result.stdout
