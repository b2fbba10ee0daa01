"""Revocation without a round trip, across the platform: an account event written by projects-api reaches every
service's in-memory account states, and from then on each refuses the account's older tokens; the JWKS is public
through the gateway; a process's own consumer group leaves no rows behind when it stops."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from gongjian.services import SERVICES
from gongjian_shared.auth import JWKS_PATH, Principal, key_id, load_private_key
from gongjian_shared.db import unit_of_work
from gongjian_shared.events.accounts import AccountDisabled, AccountState, AccountUpdated
from support.platform import (
    TEST_SIGNING_KEY,
    Platform,
    eventually,
    mint_token,
    platform_settings,
    running_platform,
)

# one authenticated GET per service; what it answers past authentication is not the point here
PROBES = {
    "projects-api": "/api/v1/units",
    "meetings-api": "/api/v1/meetings",
    "scoring-worker": "/api/v1/scoring/assessments",
    "notifier": "/api/v1/inbox",
}


async def publish(platform: Platform, payload: AccountState) -> None:
    context = platform.context("projects-api")
    async with unit_of_work(context.sessionmaker) as session:
        await context.outbox.publish(session, payload, key=str(payload.account_id))


def account(principal: Principal, *, token_version: int, active: bool) -> dict[str, Any]:
    return {
        "account_id": principal.user_id,
        "username": principal.username,
        "display_name": principal.username,
        "unit_id": principal.unit_id,
        "roles": tuple(sorted(principal.roles)),
        "token_version": token_version,
        "active": active,
    }


async def statuses(platform: Platform, principal: Principal, expected: tuple[int, bool]) -> bool:
    for entry in SERVICES:
        status = platform.context(entry.name).account_states.get(principal.user_id)
        if status is None or (status.token_version, status.active) != expected:
            return False
    return True


async def probe(platform: Platform, token: str) -> dict[str, int]:
    answers = {}
    for name, path in PROBES.items():
        response = await platform.client.get(path, headers={"Authorization": f"Bearer {token}"})
        answers[name] = response.status_code
        if response.status_code == 401:
            assert response.json()["type"] == "/problems/token-revoked", (name, response.text)
    return answers


async def test_an_account_change_refuses_older_tokens_in_every_service(platform: Platform) -> None:
    office = Principal(uuid.uuid4(), f"office-{uuid.uuid4().hex[:6]}", None, frozenset({"office"}))
    old = mint_token(platform, office)
    assert 401 not in (await probe(platform, old)).values()  # unknown to the services: it passes

    await publish(platform, AccountUpdated(**account(office, token_version=1, active=True)))
    await eventually(lambda: statuses(platform, office, (1, True)), what="token version 1 everywhere")
    assert set((await probe(platform, old)).values()) == {401}
    renewed = mint_token(
        platform, Principal(office.user_id, office.username, None, office.roles, token_version=1)
    )
    assert 401 not in (await probe(platform, renewed)).values()

    await publish(platform, AccountDisabled(**account(office, token_version=1, active=False)))
    await eventually(lambda: statuses(platform, office, (1, False)), what="disabled everywhere")
    assert set((await probe(platform, renewed)).values()) == {401}


async def test_the_jwks_is_public_through_the_gateway(platform: Platform) -> None:
    platform.client.headers.pop("Authorization", None)  # no token at all
    response = await platform.client.get(JWKS_PATH)
    assert response.status_code == 200
    (jwk,) = response.json()["keys"]
    assert jwk["kid"] == key_id(load_private_key(TEST_SIGNING_KEY).public_key())
    assert "d" not in jwk


async def test_each_process_reads_the_account_events_in_its_own_group_and_drops_it_on_stop(
    database_url: str,
) -> None:
    async with running_platform(platform_settings(database_url)) as running:
        groups = {}
        for entry in SERVICES:
            bus = running.context(entry.name).bus
            assert bus is not None
            groups[entry.name] = [
                runner.subscription.group_id
                for runner in bus.consumers
                if ".account-states." in runner.subscription.group_id
            ]
        assert all(len(found) == 1 for found in groups.values()), groups
        assert len({group for found in groups.values() for group in found}) == len(SERVICES)
        someone = Principal(uuid.uuid4(), "someone", None, frozenset({"reporter"}))
        await publish(running, AccountUpdated(**account(someone, token_version=2, active=True)))
        await eventually(lambda: statuses(running, someone, (2, True)), what="the event applied everywhere")
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            for entry in SERVICES:
                schema = entry.spec.schema
                for table in ("inbox", "bus_positions"):
                    left = await connection.scalar(
                        text(
                            f"SELECT count(*) FROM \"{schema}\".{table} WHERE group_id LIKE '%.account-states.%'"
                        )
                    )
                    assert left == 0, (schema, table)
    finally:
        await engine.dispose()
