"""The office's one-click reminder (一键催报, issue 13): `POST /api/v1/progress-reports/months/{y}/{m}/reminders`
writes the scheduled reminder's own event (`progress-report-due`, which the notifier turns into messages to the
units' liaisons), naming only the units that owe and, when asked, only the units named. Office only; not before
the month opens nor once it is frozen."""

from __future__ import annotations

import pytest
from integration.projects.conftest import Clocked
from integration.projects.registry_support import account, events, register

from gongjian_shared.auth import Role

pytestmark = pytest.mark.asyncio

PATH = "/api/v1/progress-reports/months/2019/5/reminders"


async def county(clocked: Clocked, name: str, code: str) -> str:
    response = await clocked.platform.client.post(
        "/api/v1/units",
        json={
            "name": name,
            "kind": "county",
            "admin_code": code,
            "contacts": [{"role": "liaison", "name": f"{name}联络员", "phone": "0915-1234567"}],
        },
    )
    assert response.status_code == 201, response.text
    unit_id: str = response.json()["id"]
    return unit_id


async def test_the_office_reminds_the_units_that_owe_all_or_the_ones_named(clocked: Clocked) -> None:
    platform = clocked.platform
    first, second = await county(clocked, "催报甲县", "610991"), await county(clocked, "催报乙县", "610992")
    owed = [
        (await register(platform, unit, name=f"催报项目{n}"))["id"] for n, unit in enumerate([first, second])
    ]
    before = len(await events(platform, "progress-report-due"))

    await clocked.at(2019, 5, 27, 10)
    everyone = await platform.client.post(PATH)
    assert everyone.status_code == 200, everyone.text
    reminded = {unit["unit_id"]: unit["project_ids"] for unit in everyone.json()["reminded"]}
    assert (reminded[first], reminded[second]) == ([owed[0]], [owed[1]])

    named = await platform.client.post(PATH, json={"unit_ids": [second]})
    assert named.status_code == 200, named.text
    assert [(u["unit_id"], u["unit_name"], u["project_ids"]) for u in named.json()["reminded"]] == [
        (second, "催报乙县", [owed[1]])
    ]

    due = (await events(platform, "progress-report-due"))[before:]
    assert len(due) == 2
    assert {u["unit_id"] for u in due[0]["units"]} >= {first, second}
    assert [(u["unit_id"], [c["name"] for c in u["liaisons"]]) for u in due[1]["units"]] == [
        (second, ["催报乙县联络员"])
    ]


async def test_a_unit_owing_nothing_is_not_reminded_and_no_event_is_written(clocked: Clocked) -> None:
    platform = clocked.platform
    quiet = await county(clocked, "无欠报县", "610993")
    await clocked.at(2019, 5, 27, 10)
    before = len(await events(platform, "progress-report-due"))
    response = await platform.client.post(PATH, json={"unit_ids": [quiet]})
    assert response.status_code == 200, response.text
    assert response.json() == {"year": 2019, "month": 5, "reminded": []}
    assert len(await events(platform, "progress-report-due")) == before


async def test_only_the_office_reminds_and_only_while_the_month_is_open_or_closed(clocked: Clocked) -> None:
    platform = clocked.platform
    unit = await county(clocked, "权限测试县", "610994")
    await register(platform, unit, name="权限测试项目")
    before = len(await events(platform, "progress-report-due"))
    # 20 May: the window opens on the 25th
    early = await platform.client.post(PATH)
    assert early.status_code == 409, early.text
    assert early.json()["type"].endswith("month-not-remindable")

    await clocked.at(2019, 5, 27, 10)
    for roles in ([Role.REPORTER], [Role.LIAISON], [Role.REVIEWER]):
        person = await account(platform, roles, unit)
        refused = await platform.client.post(PATH, headers=person.headers)
        assert refused.status_code == 403, refused.text
    leader = await account(platform, [Role.CONVENER])
    assert (await platform.client.post(PATH, headers=leader.headers)).status_code == 403
    bad = await platform.client.post(PATH, json={"unit_ids": []})
    assert bad.status_code == 422, bad.text
    assert len(await events(platform, "progress-report-due")) == before
