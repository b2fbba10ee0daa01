"""Runs the checks of check.py against a finished soak: waits (bounded) for the platform to settle, reads every
topic of the run from the broker, recomputes the scores in a transaction it rolls back."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaConsumer
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from gongjian_scoring.models import BUS as SCORING_BUS
from gongjian_scoring.scores.service import recompute
from gongjian_shared.clock import Clock
from gongjian_shared.events.registry import topic_name
from gongjian_shared.outbox import Outbox
from gongjian_shared.uow import UnitOfWork
from soak import check

STREAMS = ("projects", "meetings", "scoring", "notifier")


async def read_broker(bootstrap: str, prefix: str, expected: int, timeout: float = 60) -> Counter[uuid.UUID]:
    """How many times each event id is on the run's topics, read from the beginning."""
    topics = [topic_name(prefix, stream) for stream in STREAMS]
    reader = AIOKafkaConsumer(
        *topics, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
    )
    seen: Counter[uuid.UUID] = Counter()
    await reader.start()
    try:
        deadline, quiet = time.monotonic() + timeout, 0
        while time.monotonic() < deadline and quiet < 3:
            batches = await reader.getmany(timeout_ms=1000)
            quiet = quiet + 1 if not batches and len(seen) >= expected else 0
            for messages in batches.values():
                for message in messages:
                    seen[uuid.UUID(json.loads(message.value)["event_id"])] += 1
    finally:
        await reader.stop()
    return seen


async def check_scores(database_url: str, clock: Clock, verdict: check.Verdict) -> None:
    """A full recompute from the facts, rolled back: it must find nothing to change."""
    engine = create_async_engine(database_url)
    try:
        async with async_sessionmaker(engine)() as session:
            uow = UnitOfWork(session, Outbox(SCORING_BUS, "scoring-worker", clock), clock)
            reports = await recompute(uow)
            await session.rollback()
    finally:
        await engine.dispose()
    written = sum(report.snapshots_written for report in reports)
    verdict.counts["units scored (recomputed)"] = sum(report.units for report in reports)
    if written:
        verdict.lost.append(f"scores: a recompute from scratch changed {written} unit scores")


async def database_verdict(
    database_url: str, acknowledged: Sequence[tuple[str, str]], now: datetime
) -> check.Verdict:
    verdict = check.Verdict()
    db = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        await check.check_writes(db, acknowledged, verdict)
        await check.check_applied(db, verdict)
        await check.check_deadlines(db, now, verdict)
        await check.check_notifications(db, now, verdict)
    finally:
        await db.close()
    return verdict


async def settled(
    database_url: str, acknowledged: Sequence[tuple[str, str]], clock: Clock, timeout: float
) -> check.Verdict:
    """The database verdict once nothing is lost any more (events still travelling), or at the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        verdict = await database_verdict(database_url, acknowledged, clock.now())
        if verdict.ok or time.monotonic() > deadline:
            return verdict
        await asyncio.sleep(2)


async def verify(
    database_url: str,
    bootstrap: str,
    prefix: str,
    acknowledged: Sequence[tuple[str, str]],
    clock: Clock,
    timeout: float = 120,
) -> check.Verdict:
    verdict = await settled(database_url, acknowledged, clock, timeout)
    db = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        outbox = [
            row["event_id"]
            for schema in check.SCHEMAS
            for row in await db.fetch(f"SELECT event_id FROM {schema}.outbox")
        ]
    finally:
        await db.close()
    check.broker_counts(await read_broker(bootstrap, prefix, len(outbox)), outbox, verdict)
    await check_scores(database_url, clock, verdict)
    return verdict


def main(argv: list[str] | None = None) -> int:
    """`python -m soak.verify DATABASE_URL LEDGER.json`: the database checks alone, on a soak's ledger (the
    list of [kind, id] a soak writes to its workdir); exit 1 on any loss or duplicate."""
    parser = argparse.ArgumentParser(prog="python -m soak.verify", description=main.__doc__)
    parser.add_argument("database_url")
    parser.add_argument("ledger", type=Path)
    parser.add_argument("--now", type=datetime.fromisoformat, default=None, help="the platform's clock")
    args = parser.parse_args(argv)
    acknowledged = [(kind, value) for kind, value in json.loads(args.ledger.read_text())]
    now = args.now or datetime.now(UTC)
    verdict = asyncio.run(database_verdict(args.database_url, acknowledged, now))
    print(verdict.summary())
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())
