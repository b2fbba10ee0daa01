"""The outbound push adapter against a real HTTP receiver on 127.0.0.1 (uvicorn serving a small ASGI app that
counts by idempotency key): the receiver fails (503), hangs past the adapter's timeout, and recovers; every
accepted progress report reaches it with exactly one 2xx, in log order. Dead letters: a change refused (4xx) or
failing past its attempts is listed for the office, the line goes on behind it, and a replay delivers it.

A progress report's event is written when the office accepts it (`progress-reported`); the tests write those
events through the registry's outbox, as acceptance does, each in a transaction of its own.
"""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
import uvicorn
from integration.projects.registry_support import account, unit_ids
from pydantic import SecretStr
from sqlalchemy import text

from gongjian_projects.settings import PushSettings
from gongjian_shared.auth import Role
from gongjian_shared.events.projects import ProgressReported
from support.platform import Platform, eventually, platform_settings, running_platform

pytestmark = pytest.mark.asyncio

TOKEN = "push-test-secret"
TIMEOUT_SECONDS = 0.3
HANG_SECONDS = 1.5  # five times the timeout: the adapter gives up on each hung request


@dataclass
class Received:
    key: str
    event_type: str
    body: dict[str, Any]
    authorization: str | None
    status: int


@dataclass
class Receiver:
    """A receiving system: answers per its mode (`ok`, `fail` 503, `hang` then 503), and 400 or 503 for the
    keys it is told to refuse; records every request with the status it answered."""

    mode: str = "ok"
    refuse: set[str] = field(default_factory=set)  # 400: the request itself is refused
    failing: set[str] = field(default_factory=set)  # 503 for these keys whatever the mode
    requests: list[Received] = field(default_factory=list)
    hung: int = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = {name.decode().lower(): value.decode() for name, value in scope["headers"]}
        key = headers.get("idempotency-key", "")
        status = await self._status(key)
        self.requests.append(
            Received(
                key,
                headers.get("x-gongjian-event-type", ""),
                json.loads(body),
                headers.get("authorization"),
                status,
            )
        )
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": b"{}"})

    async def _status(self, key: str) -> int:
        if key in self.refuse:
            return 400
        if key in self.failing or self.mode == "fail":
            return 503
        if self.mode == "hang":
            self.hung += 1
            await asyncio.sleep(HANG_SECONDS)
            return 503
        return 200

    def accepted(self, event_type: str = "progress-reported") -> list[str]:
        """The keys answered 2xx, in the order they were answered."""
        return [r.key for r in self.requests if r.status == 200 and r.event_type == event_type]

    def answered(self, status: int) -> int:
        return sum(1 for r in self.requests if r.status == status)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def receiving(receiver: Receiver) -> AsyncIterator[str]:
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            receiver,
            host="127.0.0.1",
            port=port,
            lifespan="off",
            log_level="error",
            timeout_graceful_shutdown=1,
        )
    )
    serving = asyncio.create_task(server.serve())
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.05)
        assert server.started, "the receiver did not start"
        yield f"http://127.0.0.1:{port}/changes"
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, timeout=10)


@asynccontextmanager
async def pushing_platform(database_url: str, url: str, max_attempts: int) -> AsyncIterator[Platform]:
    push = PushSettings(
        url=url,
        token=SecretStr(TOKEN),
        timeout_seconds=TIMEOUT_SECONDS,
        max_attempts=max_attempts,
        backoff_seconds=0.05,
        max_backoff_seconds=0.2,
        interval_seconds=0.05,
    )
    settings = platform_settings(database_url, overrides={"projects-api": {"push": push}})
    async with running_platform(settings) as platform:
        await platform.login()
        yield platform


async def accept_reports(platform: Platform, count: int, ids: list[uuid.UUID] | None = None) -> list[str]:
    """`count` accepted reports' events, each in a transaction of its own; their event ids (the keys)."""
    projects = platform.context("projects-api")
    keys = []
    ids = ids or [uuid.uuid4() for _ in range(count)]
    for number, event_id in enumerate(ids):
        project_id = uuid.uuid4()
        payload = ProgressReported(
            report_id=uuid.uuid4(),
            project_id=project_id,
            unit_id=uuid.uuid4(),
            year=2019,
            month=4,
            completed_10k=Decimal(100 + number),
            cumulative_10k=Decimal(100 + number),
            year_to_date_10k=Decimal(100 + number),
            physical_progress="主体施工",
            image_progress_percent=Decimal(30),
            late=False,
        )
        async with projects.sessionmaker() as session:
            envelope = await projects.outbox.publish(session, payload, key=str(project_id), event_id=event_id)
            await session.commit()
        keys.append(str(envelope.event_id))
    return keys


async def log_order(platform: Platform, keys: list[str]) -> list[str]:
    async with platform.context("projects-api").sessionmaker() as session:
        rows = await session.execute(
            text("SELECT event_id FROM projects.outbox WHERE event_id = ANY(:ids) ORDER BY txid, id"),
            {"ids": [uuid.UUID(key) for key in keys]},
        )
        return [str(row.event_id) for row in rows]


async def deliveries(platform: Platform, keys: list[str]) -> dict[str, Any]:
    async with platform.context("projects-api").sessionmaker() as session:
        rows = await session.execute(
            text("SELECT * FROM projects.push_deliveries WHERE event_id = ANY(:ids)"),
            {"ids": [uuid.UUID(key) for key in keys]},
        )
        return {str(row.event_id): row for row in rows}


async def test_every_accepted_report_reaches_a_receiver_that_fails_hangs_and_recovers_exactly_once(
    database_url: str,
) -> None:
    receiver = Receiver(mode="fail")
    async with receiving(receiver) as url, pushing_platform(database_url, url, max_attempts=1000) as platform:
        failed_first = await accept_reports(platform, 4)
        await eventually(
            lambda: _at_least(receiver.answered(503) >= 3), what="the receiver to fail three times"
        )
        receiver.mode = "hang"
        hung_first = await accept_reports(platform, 4)
        await eventually(lambda: _at_least(receiver.hung >= 2), what="the adapter to meet two hung requests")
        receiver.mode = "ok"
        after_recovery = await accept_reports(platform, 4)
        expected = failed_first + hung_first + after_recovery
        await eventually(
            lambda: _at_least(set(expected) <= set(receiver.accepted())), what="every report to be accepted"
        )
        # a change is sent after every change before it: once this one is in, nothing earlier is resent
        sentinel = await accept_reports(platform, 1)
        await eventually(lambda: _at_least(sentinel[0] in receiver.accepted()), what="the sentinel to arrive")
        stored = await deliveries(platform, expected)

    accepted = receiver.accepted()
    twice = [key for key, times in Counter(accepted).items() if times > 1]
    assert twice == [], f"answered 2xx more than once: {twice}"
    assert set(accepted) == set(expected + sentinel), "a report was lost, or one not written was pushed"
    assert accepted == await _ordered(expected + sentinel, platform), "pushed out of log order"
    for key in expected:
        bodies = [r.body for r in receiver.requests if r.key == key]
        assert all(body == bodies[0] for body in bodies), "a retry sent another body under the same key"
        assert bodies[0]["event_id"] == key and bodies[0]["type"] == "progress-reported"
    assert {r.authorization for r in receiver.requests} == {f"Bearer {TOKEN}"}
    assert receiver.answered(503) >= 3 and receiver.hung >= 2
    assert {row.status for row in stored.values()} == {"delivered"}
    # while the receiver failed and hung, only the change at the head of the line was tried, again and again
    unanswered = {r.key for r in receiver.requests if r.status != 200}
    assert len(unanswered) == 1, f"changes behind a failing one were sent ahead of it: {unanswered}"
    head = unanswered.pop()
    assert sum(1 for r in receiver.requests if r.key == head) >= 6
    assert all(row.attempts == 1 for key, row in stored.items() if key != head)


async def _ordered(keys: list[str], platform: Platform) -> list[str]:
    return await log_order(platform, keys)


async def _at_least(condition: bool) -> bool:
    return condition


async def test_dead_letters_are_listed_for_the_office_and_replayed(database_url: str) -> None:
    receiver = Receiver()
    async with receiving(receiver) as url, pushing_platform(database_url, url, max_attempts=2) as platform:
        ids = [uuid.uuid4() for _ in range(4)]
        before, refused, failing, after = (str(event_id) for event_id in ids)
        receiver.refuse, receiver.failing = {refused}, {failing}
        await accept_reports(platform, 4, ids)
        await eventually(
            lambda: _at_least(after in receiver.accepted()), what="the line to go on past the dead"
        )

        letters = await platform.client.get("/api/v1/push/dead-letters")
        assert letters.status_code == 200, letters.text
        by_key = {item["change_id"]: item for item in letters.json()["items"]}
        assert set(by_key) == {refused, failing} and letters.json()["total"] == 2
        assert by_key[refused]["attempts"] == 1 and "HTTP 400" in by_key[refused]["last_error"]
        assert by_key[failing]["attempts"] == 2 and "HTTP 503" in by_key[failing]["last_error"]
        assert refused not in receiver.accepted() and failing not in receiver.accepted()
        assert receiver.accepted().index(before) < receiver.accepted().index(after)

        units = await unit_ids(platform)
        reporter = await account(platform, [Role.REPORTER], units["汉滨区"])
        assert (
            await platform.client.get("/api/v1/push/dead-letters", headers=reporter.headers)
        ).status_code == 403
        replay_path = f"/api/v1/push/dead-letters/{by_key[refused]['delivery_id']}/replay"
        assert (await platform.client.post(replay_path, headers=reporter.headers)).status_code == 403
        delivered_id = (await deliveries(platform, [after]))[after].id
        not_dead = await platform.client.post(f"/api/v1/push/dead-letters/{delivered_id}/replay")
        assert not_dead.status_code == 404, not_dead.text

        receiver.refuse, receiver.failing = set(), set()
        for key in (refused, failing):
            replayed = await platform.client.post(
                f"/api/v1/push/dead-letters/{by_key[key]['delivery_id']}/replay"
            )
            assert replayed.status_code == 200 and replayed.json()["status"] == "pending", replayed.text
        await eventually(
            lambda: _at_least({refused, failing} <= set(receiver.accepted())),
            what="the replayed dead letters",
        )
        emptied = await platform.client.get("/api/v1/push/dead-letters")
        assert emptied.json()["total"] == 0 and emptied.json()["items"] == []
        again = await platform.client.post(
            f"/api/v1/push/dead-letters/{by_key[refused]['delivery_id']}/replay"
        )
        assert again.status_code == 404, again.text
        stored = await deliveries(platform, [refused, failing])

    assert Counter(receiver.accepted())[refused] == 1 and Counter(receiver.accepted())[failing] == 1
    assert {row.status for row in stored.values()} == {"delivered"}
    assert {row.replays for row in stored.values()} == {1}
