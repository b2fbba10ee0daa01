"""Helpers of the notifier's integration tests: units with people, accounts, the notifier's own tables."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import select

from gongjian_notifier.delivery.jobs import delivery_worker
from gongjian_notifier.delivery.worker import DeliveryWorker
from gongjian_notifier.models import UNIT_REPLICA, Account, Delivery, Notification
from gongjian_notifier.settings import DeliverySettings, EmailSettings, OfficeSettings
from gongjian_shared.auth import Principal, Role
from gongjian_shared.clock import SHANGHAI
from gongjian_shared.db import unit_of_work
from gongjian_shared.events.accounts import AccountCreated, AccountDisabled, AccountLinks, AccountState
from gongjian_shared.events.envelope import EventPayload
from support.platform import Platform, eventually, mint_token


def contact(role: str, name: str, **extra: str) -> dict[str, Any]:
    return {"role": role, "name": name, **extra}


async def make_unit(
    platform: Platform, name: str, contacts: list[dict[str, Any]], kind: str = "department"
) -> dict[str, Any]:
    """A unit created in the registry, once the notifier's directory has it."""
    response = await platform.client.post(
        "/api/v1/units", json={"name": name, "kind": kind, "contacts": contacts}
    )
    assert response.status_code == 201, response.text
    unit: dict[str, Any] = response.json()
    await wait_for_directory(platform, uuid.UUID(unit["id"]))
    return unit


async def wait_for_directory(platform: Platform, unit_id: uuid.UUID) -> None:
    async def replicated() -> bool:
        async with platform.context("notifier").sessionmaker() as session:
            found = await session.scalar(
                select(UNIT_REPLICA.c.unit_id).where(UNIT_REPLICA.c.unit_id == unit_id)
            )
        return found is not None

    await eventually(replicated, what=f"unit {unit_id} in the notifier's directory")


def person_id(unit: dict[str, Any], name: str) -> uuid.UUID:
    return uuid.UUID(next(c["id"] for c in unit["contacts"] if c["name"] == name))


def bearer(
    platform: Platform, *roles: Role, unit_id: uuid.UUID | None = None, user_id: uuid.UUID | None = None
) -> dict[str, str]:
    """A token for an account of the given roles (the accounts themselves live in projects-api)."""
    principal = Principal(
        user_id=user_id or uuid.uuid4(),
        username=f"user-{uuid.uuid4().hex[:6]}",
        unit_id=unit_id,
        roles=frozenset(role.value for role in roles),
    )
    return {"Authorization": f"Bearer {mint_token(platform, principal)}"}


WORKDAY_MORNING = datetime(2024, 10, 8, 10, 0, tzinfo=SHANGHAI)  # a Tuesday, the first working day after 国庆


def notifier_settings(smtp_port: int, **changes: Any) -> dict[str, Any]:
    """Overrides of the notifier's settings for a test platform: local SMTP, fast retries and polling."""
    delivery = DeliverySettings(
        poll_interval_seconds=0.05,
        backoff_base_seconds=0,
        max_attempts=4,
        rate_per_second={},
        **changes.pop("delivery", {}),
    )
    return {
        "email": EmailSettings(
            host="127.0.0.1", port=smtp_port, sender="notice@ankang.gov.cn", timeout_seconds=5
        ),
        "office": OfficeSettings(channels=("inbox", "email"), email="office@ankang.gov.cn"),
        "frontend_base_url": "http://front.test",
        "delivery": delivery,
        "outbound_unrestricted": True,  # the robots and the SMS gateway are local sinks on 127.0.0.1
        **changes,
    }


async def publish(
    platform: Platform, payload: EventPayload, key: str, producer: str = "projects-api"
) -> uuid.UUID:
    """An event written to a producer's outbox, as that service would write it."""
    context = platform.context(producer)
    async with unit_of_work(context.sessionmaker) as session:
        envelope = await context.outbox.publish(session, payload, key=key)
    return envelope.event_id


def notifier_worker(platform: Platform) -> DeliveryWorker:
    return delivery_worker(platform.context("notifier"))


async def delivery_rows(platform: Platform, *conditions: Any) -> list[Any]:
    async with platform.context("notifier").sessionmaker() as session:
        query = (
            select(Delivery, Notification)
            .join(Notification, Notification.id == Delivery.notification_id)
            .where(*conditions)
            .order_by(Delivery.id)
        )
        return list((await session.execute(query)).all())


async def notifications_of(platform: Platform, event_id: uuid.UUID) -> list[Notification]:
    async with platform.context("notifier").sessionmaker() as session:
        query = (
            select(Notification).where(Notification.event_id == event_id).order_by(Notification.created_at)
        )
        return list((await session.execute(query)).scalars())


async def wait_for_notifications(
    platform: Platform, event_id: uuid.UUID, count: int = 1
) -> list[Notification]:
    async def written() -> bool:
        return len(await notifications_of(platform, event_id)) >= count

    await eventually(written, what=f"{count} notification(s) of event {event_id}")
    return await notifications_of(platform, event_id)


async def wait_until_settled(platform: Platform, timeout: float = 30.0) -> None:
    """No push waiting or in flight (deferred ones aside: their time has not come)."""

    async def settled() -> bool:
        rows = await delivery_rows(
            platform,
            Delivery.status.in_(("pending", "sending")),
            Delivery.not_before <= platform.context("notifier").clock.now(),
        )
        return not rows

    await eventually(settled, timeout=timeout, what="every due delivery sent or failed")


async def make_account(
    platform: Platform,
    *roles: Role,
    unit_id: uuid.UUID | str | None = None,
    contact_ids: tuple[uuid.UUID, ...] = (),
    leader_id: uuid.UUID | None = None,
    email: str | None = None,
    account_id: uuid.UUID | None = None,
) -> AccountState:
    """An account as projects-api announces it (`account-created`), once the notifier's replica has it."""
    account_id = account_id or uuid.uuid4()
    created = AccountCreated(
        account_id=account_id,
        username=f"user-{account_id.hex[:8]}",
        display_name=f"账号{account_id.hex[:4]}",
        unit_id=uuid.UUID(str(unit_id)) if unit_id is not None else None,
        roles=tuple(role.value for role in roles),
        email=email,
        active=True,
        token_version=0,
        links=AccountLinks(contact_ids=contact_ids, leader_id=leader_id),
    )
    await publish(platform, created, key=str(account_id))
    await wait_for_account(platform, account_id, active=True)
    return created


async def disable_account(platform: Platform, account: AccountState) -> None:
    disabled = AccountDisabled(**account.model_dump() | {"active": False, "token_version": 1})
    await publish(platform, disabled, key=str(account.account_id))
    await wait_for_account(platform, account.account_id, active=False)


async def wait_for_account(platform: Platform, account_id: uuid.UUID, *, active: bool) -> None:
    async def replicated() -> bool:
        async with platform.context("notifier").sessionmaker() as session:
            found = await session.get(Account, account_id)
        return found is not None and found.active is active

    await eventually(replicated, what=f"account {account_id} (active={active}) in the notifier's replica")


async def put_matching(platform: Platform, url: str, **kwargs: Any) -> httpx.Response:
    """A PUT with the If-Match the office reads from the same URL (no ETag there: none sent)."""
    current = await platform.client.get(url)
    headers = dict(kwargs.pop("headers", None) or {})
    if "ETag" in current.headers:
        headers["If-Match"] = current.headers["ETag"]
    return await platform.client.put(url, headers=headers, **kwargs)
