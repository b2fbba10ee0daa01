"""The notifier's contract: lists are pages, preference updates need If-Match, ids past their column are
422 problems naming the field, and nothing changes."""

from __future__ import annotations

import uuid

import pytest
from integration.notifier.notifier_support import bearer, contact, make_account, make_unit, person_id

from gongjian_shared.auth import Role
from support.platform import Platform
from support.problems import problem

pytestmark = pytest.mark.asyncio

PREFS = "/api/v1/notification-preferences"


async def test_every_list_is_a_page_with_bounded_limit_and_offset(platform: Platform) -> None:
    for path in (
        "/api/v1/inbox",
        "/api/v1/notifications",
        "/api/v1/notifications/deliveries",
        f"{PREFS}/me",
    ):
        page = await platform.client.get(path, params={"limit": 2, "offset": 0})
        assert page.status_code == 200, (path, page.text)
        assert set(page.json()) == {"items", "total", "limit", "offset"}, path
        assert (page.json()["limit"], page.json()["offset"]) == (2, 0)
        for bad, field in (
            ({"limit": 0}, "limit"),
            ({"limit": 501}, "limit"),
            ({"offset": "30195936683908878336"}, "offset"),
        ):
            problem(await platform.client.get(path, params=bad), 422, field)


async def test_ids_past_their_column_are_422_not_500(platform: Platform) -> None:
    for method, path, field in (
        ("GET", "/api/v1/inbox/99999999999999999999", "item_id"),
        ("POST", "/api/v1/inbox/99999999999999999999/read", "item_id"),
        ("POST", "/api/v1/inbox/0/acknowledge", "item_id"),
        ("POST", "/api/v1/notifications/deliveries/9223372036854775808/retry", "delivery_id"),
    ):
        problem(await platform.client.request(method, path, json={"kind": "read"}), 422, field)
    missing = await platform.client.post("/api/v1/notifications/deliveries/9223372036854775807/retry")
    assert missing.status_code == 404, missing.text


async def test_unit_preferences_need_the_current_etag(platform: Platform) -> None:
    unit = await make_unit(platform, "并发测试局", [contact("liaison", "孙联络", email="sun@example.cn")])
    url = f"{PREFS}/units/{unit['id']}"
    read = await platform.client.get(url)
    assert read.headers["ETag"] == '"0"', "only the defaults: revision 0"
    body = {"channels": ["inbox", "email"]}
    problem(await platform.client.put(url, json=body), 428, "If-Match")
    problem(await platform.client.put(url, json=body, headers={"If-Match": '"7"'}), 412, "If-Match")
    assert (await platform.client.get(url)).json()["channels"] is None
    first = await platform.client.put(url, json=body, headers={"If-Match": '"0"'})
    assert first.status_code == 200, first.text
    assert first.headers["ETag"] == '"1"' == (await platform.client.get(url)).headers["ETag"]
    stale = await platform.client.put(url, json={"channels": ["inbox"]}, headers={"If-Match": '"0"'})
    problem(stale, 412, "If-Match")
    second = await platform.client.put(url, json={"channels": ["inbox"]}, headers={"If-Match": '"1"'})
    assert second.status_code == 200 and second.headers["ETag"] == '"2"'


async def test_person_preferences_need_the_current_etag(platform: Platform) -> None:
    unit = await make_unit(platform, "个人并发局", [contact("liaison", "周联络", phone="13800000002")])
    unit_id = uuid.UUID(unit["id"])
    zhou = person_id(unit, "周联络")
    account = await make_account(platform, Role.REPORTER, unit_id=unit_id, contact_ids=(zhou,))
    own = bearer(platform, Role.REPORTER, user_id=account.account_id, unit_id=unit_id)
    url = f"{PREFS}/people/{zhou}"
    etag = (await platform.client.get(url, headers=own)).headers["ETag"]
    problem(await platform.client.put(url, json={"channels": ["sms"]}, headers=own), 428, "If-Match")
    changed = await platform.client.put(url, json={"channels": ["sms"]}, headers=own | {"If-Match": etag})
    assert changed.status_code == 200, changed.text
    stale = await platform.client.put(url, json={"channels": ["inbox"]}, headers=own | {"If-Match": etag})
    problem(stale, 412, "If-Match")
    assert (await platform.client.get(url, headers=own)).json()["channels"] == ["sms"]
