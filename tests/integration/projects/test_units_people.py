"""Units and their people (item 1): the office changes a unit, a unit its own contacts; `unit-updated`."""

from __future__ import annotations

import pytest
from integration.projects.registry_support import account, assert_problem, events, unit_ids

from gongjian_shared.auth import Role
from support.platform import Platform

pytestmark = pytest.mark.asyncio

LIAISON = {"role": "liaison", "name": "联络员乙", "phone": "0915-3216543", "email": "liaison@example.cn"}


async def test_units_and_their_contacts_change_with_if_match(platform: Platform) -> None:
    units = await unit_ids(platform)
    url = f"/api/v1/units/{units['恒口示范区']}"
    current = await platform.client.get(url)
    etag = current.headers["etag"]
    moved = await platform.client.patch(
        url, json={"parent_unit_id": units["汉滨区"], "contacts": [LIAISON]}, headers={"If-Match": etag}
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["parent_unit_id"] == units["汉滨区"]
    assert_problem(
        await platform.client.patch(url, json={"joint_meeting_member": True}, headers={"If-Match": etag}),
        412,
        "If-Match",
        "stale",
    )
    payload = [e for e in await events(platform, "unit-updated") if e["unit_id"] == units["恒口示范区"]][-1]
    assert (payload["parent_unit_id"], [c["name"] for c in payload["contacts"]]) == (
        units["汉滨区"],
        ["联络员乙"],
    )

    liaison = await account(platform, [Role.LIAISON], units["恒口示范区"])
    own = await platform.client.get(url, headers=liaison.headers)
    assert own.json()["contacts"][0]["phone"] == "0915-3216543"
    renamed = await platform.client.patch(
        url, json={"name": "改名"}, headers=liaison.headers | {"If-Match": own.headers["etag"]}
    )
    assert_problem(renamed, 403, "name", "office-only")
    contacts = await platform.client.patch(
        url,
        json={"contacts": [LIAISON | {"name": "联络员丙"}]},
        headers=liaison.headers | {"If-Match": own.headers["etag"]},
    )
    assert [c["name"] for c in contacts.json()["contacts"]] == ["联络员丙"]
    other = await account(platform, [Role.REPORTER], units["汉阴县"])
    assert (await platform.client.get(url, headers=other.headers)).json()["contacts"] is None
    foreign = await platform.client.patch(
        url, json={"contacts": []}, headers=other.headers | {"If-Match": '"3"'}
    )
    assert foreign.status_code == 404
    taken = await platform.client.patch(url, json={"name": "汉阴县"}, headers={"If-Match": '"3"'})
    assert_problem(taken, 409, "name", "unique")
