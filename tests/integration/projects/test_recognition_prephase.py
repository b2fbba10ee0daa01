"""Start and completion recognition (开工/竣工认定) and pre-phase procedures (前期手续)."""

from __future__ import annotations

from typing import Any

import pytest
from integration.evidence.evidence_support import jpeg
from integration.projects.conftest import Clocked
from integration.projects.registry_support import account, assert_problem, count, events, register, unit_ids

from gongjian_shared.auth import Role

pytestmark = pytest.mark.asyncio

# the file metadata list applications carried before evidence files existed: no longer taken (422, named)
DECLARED = [
    {
        "name": "开工照片.jpg",
        "content_type": "image/jpeg",
        "size_bytes": 204800,
        "checksum": "a" * 64,
        "storage_key": "evidence/2019/06/start.jpg",
    }
]


def application(kind: str, when: str, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "date": when, "description": "主体工程开工，连续施工"} | extra


async def test_start_and_completion_are_recognised_by_the_office(clocked: Clocked) -> None:
    platform = clocked.platform
    await clocked.at(2019, 6, 10, 9)
    units = await unit_ids(platform)
    project = await register(platform, units["平利县"])
    reporter = await account(platform, [Role.REPORTER], units["平利县"])
    url = f"/api/v1/projects/{project['id']}/recognitions"

    before = await count(platform, "SELECT count(*) FROM projects.recognitions")
    for body, status, field, rule in [
        (application("start", "2019-04-30"), 409, "date", "start-month-window"),
        (application("start", "2019-06-11"), 409, "date", "not-future"),
        (application("start", "2019-05-20", evidence=DECLARED), 422, "evidence", "extra_forbidden"),
        (application("completion", "2019-06-01"), 409, "", ""),
    ]:
        response = await platform.client.post(url, json=body, headers=reporter.headers)
        if rule:
            assert_problem(response, status, field, rule)
        else:
            assert response.status_code == status and response.json()["allowed"] == ["started"]
    assert await count(platform, "SELECT count(*) FROM projects.recognitions") == before

    applied = await platform.client.post(
        url, json=application("start", "2019-05-20"), headers=reporter.headers
    )
    assert applied.status_code == 201, applied.text
    second = await platform.client.post(
        url, json=application("start", "2019-05-21"), headers=reporter.headers
    )
    assert_problem(second, 409, "kind", "one-open")
    by_unit = await platform.client.post(f"{url}/{applied.json()['id']}/recognise", headers=reporter.headers)
    assert by_unit.status_code == 403
    recognised = await platform.client.post(f"{url}/{applied.json()['id']}/recognise")
    assert recognised.json()["status"] == "recognised", recognised.text

    started = (await platform.client.get(f"/api/v1/projects/{project['id']}")).json()
    assert (started["status"], started["started_on"]) == ("started", "2019-05-20")
    [event] = await events(platform, "project-started")
    assert (event["started_on"], event["recognised_on"]) == ("2019-05-20", "2019-06-10")

    await clocked.at(2020, 3, 2, 9)
    await reporter.sign_in(platform)
    early = await platform.client.post(
        url, json=application("completion", "2019-05-01"), headers=reporter.headers
    )
    assert_problem(early, 409, "date", "after-start")
    done = await platform.client.post(
        url, json=application("completion", "2020-02-28"), headers=reporter.headers
    )
    rejected = await platform.client.post(
        f"{url}/{done.json()['id']}/reject", json={"reason": "验收资料不全"}
    )
    assert (rejected.json()["status"], rejected.json()["decision_reason"]) == ("rejected", "验收资料不全")
    assert await events(platform, "project-completed") == []
    again = await platform.client.post(
        url, json=application("completion", "2020-02-28"), headers=reporter.headers
    )
    unfinished = await platform.client.post(f"{url}/{again.json()['id']}/recognise")
    assert_problem(unfinished, 409, "office_judgement", "planned-investment-completed")
    photo = await platform.client.post(
        f"{url}/{again.json()['id']}/evidence",
        files={"file": ("竣工现场.jpg", jpeg(), "image/jpeg")},
        headers=reporter.headers,
    )
    assert photo.status_code == 201, photo.text
    judged = await platform.client.post(
        f"{url}/{again.json()['id']}/recognise", json={"office_judgement": "现场核查已具备运营条件"}
    )
    assert judged.status_code == 200, judged.text
    [completed] = await events(platform, "project-completed")
    assert (completed["completed_on"], completed["recognised_on"]) == ("2020-02-28", "2020-03-02")
    history = (await platform.client.get(f"/api/v1/projects/{project['id']}/status-history")).json()
    assert [step["to_status"] for step in history] == ["planned", "started", "completed"]


async def test_a_start_in_the_previous_month_is_recognised_across_the_new_year(clocked: Clocked) -> None:
    platform = clocked.platform
    await clocked.at(2020, 1, 15, 9)
    units = await unit_ids(platform)
    project = await register(platform, units["平利县"], year=2020)
    url = f"/api/v1/projects/{project['id']}/recognitions"
    assert_problem(
        await platform.client.post(url, json=application("start", "2019-11-30")),
        409,
        "date",
        "start-month-window",
    )
    assert (await platform.client.post(url, json=application("start", "2019-12-01"))).status_code == 201


async def test_the_prephase_task_is_done_when_every_required_procedure_is(clocked: Clocked) -> None:
    platform = clocked.platform
    await clocked.at(2019, 8, 1, 9)
    units = await unit_ids(platform)
    project = await register(platform, units["岚皋县"], kind="prephase")
    url = f"/api/v1/projects/{project['id']}/prephase-procedures"
    listed = (await platform.client.get(url)).json()
    assert [p["procedure"] for p in listed["procedures"]][:2] == ["proposal", "feasibility-study"]
    assert len(listed["procedures"]) == 8 and listed["prephase_done"] is False

    assert_problem(
        await platform.client.put(f"{url}/proposal", json={"status": "done"}),
        422,
        "actual_on",
        "required-when-done",
    )
    assert_problem(
        await platform.client.put(f"{url}/proposal", json={"status": "done", "actual_on": "2019-08-02"}),
        409,
        "actual_on",
        "not-future",
    )
    assert (await platform.client.put(f"{url}/permits", json={"status": "done"})).status_code == 422

    for procedure in listed["procedures"][:-1]:
        body = {
            "status": "done",
            "actual_on": "2019-07-01",
            "authority": "市发改委",
            "document_number": "安发改〔2019〕1号",
        }
        if procedure["procedure"] == "financing":
            body = {"status": "not-needed", "required": False}
        response = await platform.client.put(f"{url}/{procedure['procedure']}", json=body)
        assert response.status_code == 200, response.text
        assert response.json()["prephase_done"] is False
    last = await platform.client.put(
        f"{url}/filing-approval", json={"status": "done", "actual_on": "2019-07-30"}
    )
    assert last.json()["prephase_done"] is True
    updates = await events(platform, "prephase-procedure-updated")
    assert len(updates) == 8
    assert (updates[-1]["procedure"], updates[-1]["prephase_done"], updates[-1]["actual_date"]) == (
        "filing-approval",
        True,
        "2019-07-30",
    )
