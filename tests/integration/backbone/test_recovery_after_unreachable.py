"""Every service started with its database unreachable recovers once the database can be reached: its
/readyz turns ready, its routes answer, and events flow into it (those written while it was away too) and
out of it. The database is "unreachable" as a port nothing listens on, then "reachable" as the same port
forwarding to the real server (`TcpDoor`)."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from pydantic import SecretStr

from gongjian.assembly import seed_and_admin
from gongjian.infra.kafka import KafkaBroker
from support.faults import TcpDoor, engine_for, ready, rows, unique
from support.platform import ADMIN_PASSWORD, Platform, eventually, platform_settings, running_platform

pytestmark = pytest.mark.asyncio

SCHEMAS = {
    "projects-api": "projects",
    "meetings-api": "meetings",
    "scoring-worker": "scoring",
    "notifier": "notifier",
}
# one read route of each service, answered only with the database
READ_ROUTES = {
    "projects-api": "/api/v1/units",
    "meetings-api": "/api/v1/meetings",
    "scoring-worker": "/api/v1/scoring/rule-sets",
    "notifier": "/api/v1/notifications",
}


def through(url: str, port: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{parts.netloc.rsplit(':', 1)[0]}:{port}"))


async def write_unit_and_account(platform: Platform) -> list[uuid.UUID]:
    """A unit and an account, through projects-api: the event ids of `unit-updated` and `account-created`."""
    unit = await platform.client.post(
        "/api/v1/units", json={"name": unique("恢复单位"), "kind": "department"}
    )
    assert unit.status_code == 201, unit.text
    account = await platform.client.post(
        "/api/v1/accounts",
        json={
            "username": unique("recover-"),
            "display_name": "恢复测试",
            "unit_id": unit.json()["id"],
            "roles": ["liaison"],
        },
    )
    assert account.status_code == 201, account.text
    return [uuid.UUID(unit.json()["id"]), uuid.UUID(account.json()["id"])]


async def events_about(database_url: str, keys: list[uuid.UUID]) -> dict[str, uuid.UUID]:
    """The projects outbox's events naming the unit or the account, by type."""
    async with engine_for(database_url) as engine:
        found = await rows(
            engine,
            "SELECT type, event_id FROM projects.outbox WHERE type IN ('unit-updated', 'account-created') "
            "AND (envelope->'payload'->>'unit_id' = ANY(:keys) OR envelope->'payload'->>'account_id' = ANY(:keys))",
            keys=[str(key) for key in keys],
        )
    return {row.type: row.event_id for row in found}


async def applied_by(
    platform: Platform, database_url: str, service: str, events: dict[str, uuid.UUID]
) -> dict[str, bool]:
    """For each consumer group of `service` that takes one of the events: whether it applied it."""
    wanted = {
        runner.subscription.group_id: [
            events[kind] for kind in runner.subscription.event_types if kind in events
        ]
        for runner in platform.context(service).bus.consumers  # type: ignore[union-attr]
    }
    result = {}
    async with engine_for(database_url) as engine:
        for group, event_ids in wanted.items():
            if not event_ids:
                continue
            found = await rows(
                engine,
                f"SELECT event_id FROM {SCHEMAS[service]}.inbox WHERE group_id = :group AND event_id = ANY(:ids)",
                group=group,
                ids=event_ids,
            )
            result[group] = len(found) == len(event_ids)
    return result


async def all_applied(
    platform: Platform, database_url: str, service: str, events: dict[str, uuid.UUID], timeout: float = 30
) -> None:
    async def check() -> bool:
        applied = await applied_by(platform, database_url, service, events)
        assert applied, f"no consumer group of {service} takes {sorted(events)}"
        return all(applied.values())

    await eventually(check, timeout=timeout, what=f"{service} applying {sorted(events)}")


@pytest.mark.parametrize("service", list(SCHEMAS))
async def test_a_service_started_without_its_database_recovers_when_it_comes(
    service: str, database_url: str
) -> None:
    settings = platform_settings(database_url)
    await seed_and_admin(settings["projects-api"], SecretStr(ADMIN_PASSWORD), force_seed=False)
    real = urlsplit(database_url)
    door = TcpDoor(real.hostname or "127.0.0.1", real.port or 5432)
    own = settings[service]
    database = own.database.model_copy(update={"url": SecretStr(through(database_url, door.port))})
    settings[service] = own.model_copy(update={"database": database})
    try:
        async with running_platform(settings, seed=False) as platform:
            app = platform.app(service)
            status, body = await ready(app)
            assert (status, body["database"]) == (503, False)
            if service != "projects-api":
                await platform.login()
                # written while the service cannot reach its database: applied once it can
                early = await events_about(database_url, await write_unit_and_account(platform))
            await door.open()

            async def is_ready() -> bool:
                return (await ready(app))[0] == 200

            await eventually(is_ready, timeout=30, what=f"{service} ready once its database is reachable")
            await platform.login()
            answer = await platform.client.get(READ_ROUTES[service])
            assert answer.status_code == 200, answer.text
            later = await events_about(database_url, await write_unit_and_account(platform))
            assert set(later) == {"unit-updated", "account-created"}
            await all_applied(platform, database_url, service, later)
            if service != "projects-api":
                await all_applied(platform, database_url, service, early)
            else:  # its events flow out: the other services apply what it wrote after it recovered
                for other in ("meetings-api", "scoring-worker", "notifier"):
                    await all_applied(platform, database_url, other, later)
            assert door.connections > 0
            assert all(runner.stats.dead_lettered == 0 for runner in platform.context(service).bus.consumers)  # type: ignore[union-attr]
    finally:
        await door.close()


@pytest.mark.kafka
@pytest.mark.parametrize("service", list(SCHEMAS))
async def test_a_service_started_without_its_broker_recovers_when_it_comes(
    service: str, database_url: str, kafka: KafkaBroker
) -> None:
    settings = platform_settings(database_url, bus="kafka", kafka_bootstrap=kafka.bootstrap_servers)
    await seed_and_admin(settings["projects-api"], SecretStr(ADMIN_PASSWORD), force_seed=False)
    host, _, port = kafka.bootstrap_servers.split(",")[0].rpartition(":")
    door = TcpDoor(host, int(port))
    own = settings[service]
    update = {"bootstrap": f"127.0.0.1:{door.port}", "request_timeout_ms": 2000}
    settings[service] = own.model_copy(update={"kafka": own.kafka.model_copy(update=update)})
    try:
        async with running_platform(settings, seed=False) as platform:
            app = platform.app(service)
            status, body = await ready(app)
            assert (status, body["bus"]["reachable"]) == (503, False)
            await platform.login()
            # written while the service cannot reach its broker (projects-api's relay holds its own)
            early = await events_about(database_url, await write_unit_and_account(platform))
            await door.open()

            async def is_ready() -> bool:
                return (await ready(app))[0] == 200

            await eventually(is_ready, timeout=60, what=f"{service} ready once its broker is reachable")
            answer = await platform.client.get(READ_ROUTES[service])
            assert answer.status_code == 200, answer.text
            later = await events_about(database_url, await write_unit_and_account(platform))
            for events in (early, later):
                await all_applied(platform, database_url, service, events, timeout=90)
                if service == "projects-api":  # what it wrote while away flows out once it is back
                    for other in ("meetings-api", "scoring-worker", "notifier"):
                        await all_applied(platform, database_url, other, events, timeout=90)
            assert door.connections > 0
            assert all(runner.stats.dead_lettered == 0 for runner in platform.context(service).bus.consumers)  # type: ignore[union-attr]
    finally:
        await door.close()
