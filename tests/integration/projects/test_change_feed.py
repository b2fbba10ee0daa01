"""The change feed (`GET /api/v1/changes`) for machine clients: paging with the cursor hands out every change
exactly once, in log order, while transactions commit out of id order; who may read it; bad cursors.

Transactions are real and held open by the test: T1 writes A and stays open while T2 writes B (a higher id)
and commits. A feed reading rows by id after its last one would hand out B, move its cursor past A, and never
hand out A (the mutant `feed-reads-by-id` in tests/mutants/ is that reader and this test catches it).
"""

from __future__ import annotations

import asyncio
import base64
import random
import uuid
from decimal import Decimal
from typing import Any

import pytest
from integration.projects.registry_support import account, register, unit_ids
from sqlalchemy import text

from gongjian_projects.exchange.cursor import Position, encode
from gongjian_projects.exchange.service import CHANGE_TYPES
from gongjian_shared.auth import Role
from gongjian_shared.events.projects import ProgressReported, ProjectUpdated
from support.bus_probes import wait_below_horizon
from support.platform import Platform

pytestmark = pytest.mark.asyncio

WRITERS = 6
TRANSACTIONS_PER_WRITER = 12
PAGE = 5


async def service_token(platform: Platform, name: str, scopes: list[str]) -> dict[str, str]:
    created = await platform.client.post(
        "/api/v1/service-accounts", json={"name": name, "display_name": f"对接 {name}", "scopes": scopes}
    )
    assert created.status_code == 201, created.text
    issued = await platform.client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": created.json()["client_id"],
            "client_secret": created.json()["client_secret"],
        },
    )
    assert issued.status_code == 200, issued.text
    return {"Authorization": f"Bearer {issued.json()['access_token']}"}


def report_event(project_id: uuid.UUID, amount: int) -> ProgressReported:
    return ProgressReported(
        report_id=uuid.uuid4(),
        project_id=project_id,
        unit_id=uuid.uuid4(),
        year=2019,
        month=3,
        completed_10k=Decimal(amount),
        cumulative_10k=Decimal(amount),
        year_to_date_10k=Decimal(amount),
        physical_progress="施工",
        image_progress_percent=Decimal(5),
        late=False,
    )


def update_event(project_id: uuid.UUID) -> ProjectUpdated:
    return ProjectUpdated(
        project_id=project_id,
        unit_id=uuid.uuid4(),
        year=2019,
        kind="key",
        name="变更项目",
        code=None,
        plan_category="continuing",
        total_investment_10k=Decimal(1000),
        planned_investment_10k=Decimal(100),
        planned_start=None,
        planned_completion=None,
        status="started",
    )


class FeedClient:
    """A machine client paging with the cursor, keeping what it was handed, in order."""

    def __init__(self, platform: Platform, headers: dict[str, str]) -> None:
        self.platform = platform
        self.headers = headers
        self.cursor: str | None = None
        self.seen: list[uuid.UUID] = []

    async def page(self) -> bool:
        params: dict[str, Any] = {"limit": PAGE} | ({"since": self.cursor} if self.cursor else {})
        response = await self.platform.client.get("/api/v1/changes", params=params, headers=self.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        self.seen.extend(uuid.UUID(change["change_id"]) for change in body["changes"])
        assert {change["type"] for change in body["changes"]} <= set(CHANGE_TYPES)
        self.cursor = body["next_cursor"]
        has_more: bool = body["has_more"]
        return has_more

    async def drain(self) -> None:
        for _ in range(2000):
            if not await self.page():
                return
        raise AssertionError("the feed never ran dry")


async def committed_changes(platform: Platform) -> list[uuid.UUID]:
    """Every change the feed must hand out, in log order, from the database itself."""
    async with platform.context("projects-api").sessionmaker() as session:
        rows = await session.execute(
            text("SELECT event_id FROM projects.outbox WHERE type = ANY(:types) ORDER BY txid, id"),
            {"types": list(CHANGE_TYPES)},
        )
        return [row.event_id for row in rows]


async def max_txid(platform: Platform) -> int:
    async with platform.context("projects-api").sessionmaker() as session:
        return int(await session.scalar(text("SELECT coalesce(max(txid), 0) FROM projects.outbox")) or 0)


async def test_a_change_committed_after_a_later_one_is_handed_out_once_and_first(platform: Platform) -> None:
    client = FeedClient(platform, await service_token(platform, "feed-order", ["events:read"]))
    await client.drain()
    projects = platform.context("projects-api")
    project_id = uuid.uuid4()
    async with projects.sessionmaker() as t1, projects.sessionmaker() as t2:
        a = await projects.outbox.publish(t1, report_event(project_id, 100), key=str(project_id))
        b = await projects.outbox.publish(t2, report_event(project_id, 200), key=str(project_id))
        await t2.commit()
        await client.drain()  # B is committed, A is not: B must wait for A
        assert b.event_id not in client.seen, "B was handed out while A, written before it, was not committed"
        await t1.commit()
    await wait_below_horizon(projects.sessionmaker, await max_txid(platform))
    await client.drain()
    mine = [event_id for event_id in client.seen if event_id in (a.event_id, b.event_id)]
    assert mine == [a.event_id, b.event_id], "A skipped, repeated or handed out after B"
    assert client.seen == await committed_changes(platform)


async def _writer(platform: Platform, seed: int, rolled_back: list[uuid.UUID]) -> None:
    """Transactions of one to three changes, each held open a random while between its writes; one in
    six rolls back (its changes must never be handed out)."""
    projects = platform.context("projects-api")
    rng = random.Random(seed)
    for _ in range(TRANSACTIONS_PER_WRITER):
        project_id = uuid.uuid4()
        async with projects.sessionmaker() as session:
            written = []
            for _ in range(rng.randint(1, 3)):
                payload = report_event(project_id, rng.randint(1, 999)) if rng.random() < 0.7 else None
                envelope = await projects.outbox.publish(
                    session, payload or update_event(project_id), key=str(project_id)
                )
                written.append(envelope.event_id)
                await asyncio.sleep(rng.uniform(0, 0.02))
            if rng.random() < 1 / 6:
                await session.rollback()
                rolled_back.extend(written)
            else:
                await session.commit()


async def test_paging_under_concurrent_out_of_order_commits_misses_nothing_and_repeats_nothing(
    platform: Platform,
) -> None:
    client = FeedClient(platform, await service_token(platform, "feed-load", ["events:read"]))
    units = await unit_ids(platform)
    rolled_back: list[uuid.UUID] = []
    writers = [asyncio.create_task(_writer(platform, seed, rolled_back)) for seed in range(WRITERS)]
    registered = [await register(platform, units["汉滨区"]) for _ in range(3)]  # real changes beside
    done = asyncio.gather(*writers)
    for _ in range(5000):  # the client pages while the writers write
        await client.page()
        if done.done():
            break
        await asyncio.sleep(0.005)
    await done
    await wait_below_horizon(platform.context("projects-api").sessionmaker, await max_txid(platform))
    await client.drain()

    expected = await committed_changes(platform)
    assert len(client.seen) == len(set(client.seen)), "a change was handed out twice"
    assert set(client.seen) == set(expected), "a change was missed (or one not committed was handed out)"
    assert client.seen == expected, "the feed's order is not the log's"
    assert not set(rolled_back) & set(client.seen)
    registered_ids = {p["id"] for p in registered}
    assert registered_ids <= await _project_ids_in(platform, client.seen)
    assert await _interleaved(platform), "no two transactions interleaved: the run tested nothing"


async def _project_ids_in(platform: Platform, event_ids: list[uuid.UUID]) -> set[str]:
    async with platform.context("projects-api").sessionmaker() as session:
        rows = await session.execute(
            text("SELECT envelope->'payload'->>'project_id' FROM projects.outbox WHERE event_id = ANY(:ids)"),
            {"ids": event_ids},
        )
        return {row[0] for row in rows if row[0]}


async def _interleaved(platform: Platform) -> bool:
    """Whether the log's id order differs from its (txid, id) order: a transaction wrote after a later one."""
    async with platform.context("projects-api").sessionmaker() as session:
        by_id = [r[0] for r in await session.execute(text("SELECT id FROM projects.outbox ORDER BY id"))]
        by_txid = [
            r[0] for r in await session.execute(text("SELECT id FROM projects.outbox ORDER BY txid, id"))
        ]
    return by_id != by_txid


async def test_unit_staff_and_service_accounts_without_events_read_are_refused(platform: Platform) -> None:
    units = await unit_ids(platform)
    reporter = await account(platform, [Role.REPORTER], units["汉滨区"])
    refused = await platform.client.get("/api/v1/changes", headers=reporter.headers)
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    reader = await service_token(platform, "projects-only", ["projects:read"])
    missing = await platform.client.get("/api/v1/changes", headers=reader)
    assert missing.status_code == 403 and missing.json()["type"].endswith("/scope-missing"), missing.text
    anonymous = await platform.client.get("/api/v1/changes", headers={"Authorization": ""})
    assert anonymous.status_code == 401, anonymous.text
    assert (await platform.client.get("/api/v1/changes")).status_code == 200  # the office
    feed = await service_token(platform, "feed", ["events:read"])
    assert (await platform.client.get("/api/v1/changes", headers=feed)).status_code == 200
    # the year's plan in bulk: projects:read, the office; not a unit's reporter, nor events:read alone
    assert (await platform.client.get("/api/v1/plans/2019/export", headers=reader)).status_code == 200
    export_refused = await platform.client.get("/api/v1/plans/2019/export", headers=reporter.headers)
    assert export_refused.status_code == 403, export_refused.text
    assert (await platform.client.get("/api/v1/plans/2019/export", headers=feed)).status_code == 403


def _b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "since",
    [
        "not*base64",  # outside the alphabet the document states
        _b64("not-a-cursor"),  # base64url, but no position
        _b64("v1:12:-4"),
        _b64("v1:99999999999999999999:1"),  # beyond bigint
        encode(Position(2**62, 1)),  # well-formed, but beyond the log
    ],
)
async def test_a_malformed_cursor_is_refused_naming_since_in_both_languages(
    platform: Platform, since: str
) -> None:
    response = await platform.client.get("/api/v1/changes", params={"since": since})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["title"] and body["title_zh"]
    named = [error for error in body["errors"] if error["field"].split(".")[-1] == "since"]
    assert named and named[0]["message"] and named[0]["message_zh"], body


async def test_the_cursor_of_an_empty_page_stays_where_it_was(platform: Platform) -> None:
    client = FeedClient(platform, {})
    await client.drain()
    before = client.cursor
    assert before is not None
    assert not await client.page() and client.cursor == before


async def test_the_plan_export_carries_the_years_entries_and_their_figures(platform: Platform) -> None:
    units = await unit_ids(platform)
    first = await register(platform, units["汉滨区"], planned_investment_10k="12000.50")
    second = await register(platform, units["宁陕县"], planned_investment_10k="800")
    other_year = await register(platform, units["汉滨区"], year=2020, planned_start="2020-03-01")
    response = await platform.client.get("/api/v1/plans/2019/export")
    assert response.status_code == 200, response.text
    body = response.json()
    by_id = {entry["project_id"]: entry for entry in body["projects"]}
    assert {first["id"], second["id"]} <= set(by_id) and other_year["id"] not in by_id
    assert by_id[first["id"]]["planned_investment_10k"] == "12000.50"
    assert by_id[first["id"]]["year_to_date_10k"] == "0.00"
    assert [m["month"] for m in by_id[second["id"]]["months"]] == list(range(1, 13))
    assert body["total_projects"] == len(body["projects"])
    assert Decimal(body["total_planned_investment_10k"]) == sum(
        Decimal(e["planned_investment_10k"]) for e in body["projects"] if e["status"] != "removed"
    )
