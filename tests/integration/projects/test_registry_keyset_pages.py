"""Keyset pages of the project list: `cursor` / `next_cursor` beside offset paging, under every sort, with
the filters and the caller's access scope applied to every page."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest
from integration.projects.registry_support import account, assert_problem, register, unit_ids

from gongjian_shared.auth import Role
from support.platform import Platform

pytestmark = pytest.mark.asyncio

SORTS = [
    None,
    "name",
    "-name",
    "code",
    "-planned_investment_10k",
    "planned_investment_10k",
    "planned_start",
    "-planned_start",
    "-created_at",
]


async def page(platform: Platform, headers: dict[str, str] | None = None, **params: Any) -> dict[str, Any]:
    response = await platform.client.get(
        "/api/v1/projects", params={k: v for k, v in params.items() if v is not None}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def walk(
    platform: Platform, headers: dict[str, str] | None = None, *, limit: int = 2, **params: Any
) -> tuple[list[str], list[int]]:
    """Every page by cursor: the ids in order, and each page's total."""
    ids: list[str] = []
    totals: list[int] = []
    cursor = None
    for _ in range(100):
        body = await page(platform, headers, limit=limit, cursor=cursor, **params)
        ids += [item["id"] for item in body["items"]]
        totals.append(body["total"])
        assert len(body["items"]) <= limit
        cursor = body["next_cursor"]
        if cursor is None:
            return ids, totals
    raise AssertionError("the cursor never reached the last page")


async def test_cursor_pages_follow_every_sort_without_duplicates_or_gaps(platform: Platform) -> None:
    units = await unit_ids(platform)
    tag = f"键集{uuid.uuid4().hex[:6]}"
    for number, (investment, start, code) in enumerate(
        [
            ("300", "2019-03-01", f"2019-610929-48-01-{uuid.uuid4().int % 10**6:06d}"),
            ("300", None, None),
            ("100", "2019-05-01", None),
            ("300", "2019-03-01", None),
            ("200", None, f"2019-610929-48-01-{uuid.uuid4().int % 10**6:06d}"),
            ("100", "2019-07-01", None),
            ("50", "2019-03-01", None),
        ]
    ):
        await register(
            platform,
            units["白河县"],
            name=f"{tag}-{number % 3}",  # names repeat: the id breaks the ties
            planned_investment_10k=investment,
            planned_start=start,
            code=code,
            year=2019 if number != 3 else 2020,
        )

    for sort in SORTS:
        whole = [item["id"] for item in (await page(platform, q=tag, sort=sort, limit=500))["items"]]
        assert len(whole) == 7
        for limit in (1, 2, 3):
            ids, totals = await walk(platform, q=tag, sort=sort, limit=limit)
            assert ids == whole, (sort, limit)
            assert set(totals) == {7}, (sort, limit)

    # offset pages go on as before, and their next_cursor continues from where they end
    first = await page(platform, q=tag, sort="name", limit=3)
    assert (first["total"], first["offset"], len(first["items"])) == (7, 0, 3)
    rest, _ = await walk(platform, q=tag, sort="name", limit=3)
    assert [item["id"] for item in first["items"]] == rest[:3]
    after_first = await page(platform, q=tag, sort="name", limit=500, cursor=first["next_cursor"])
    assert [item["id"] for item in after_first["items"]] == rest[3:]
    assert after_first["next_cursor"] is None
    last = await page(platform, q=tag, sort="name", limit=3, offset=6)
    assert len(last["items"]) == 1 and last["next_cursor"] is None


async def test_a_project_added_during_the_walk_neither_repeats_nor_shifts_a_row(platform: Platform) -> None:
    units = await unit_ids(platform)
    tag = f"键集{uuid.uuid4().hex[:6]}"
    for letter in "bdfh":
        await register(platform, units["白河县"], name=f"{tag}-{letter}")
    first = await page(platform, q=tag, sort="name", limit=2)
    assert [item["name"] for item in first["items"]] == [f"{tag}-b", f"{tag}-d"]
    await register(platform, units["白河县"], name=f"{tag}-a")  # before the cursor: not seen again
    await register(platform, units["白河县"], name=f"{tag}-g")  # after it: seen once
    second = await page(platform, q=tag, sort="name", limit=500, cursor=first["next_cursor"])
    assert [item["name"] for item in second["items"]] == [f"{tag}-f", f"{tag}-g", f"{tag}-h"]
    # a page reached by cursor answers the total counted for the walk's first page, without counting again
    assert (first["total"], second["total"]) == (4, 4)
    # a list opened again counts what it holds now
    assert (await page(platform, q=tag, sort="name", limit=2))["total"] == 6


async def test_cursor_pages_keep_the_filters(platform: Platform) -> None:
    units = await unit_ids(platform)
    tag = f"键集{uuid.uuid4().hex[:6]}"
    wanted = set()
    for number in range(6):
        kind = "prephase" if number % 2 else "key"
        project = await register(
            platform,
            units["白河县"] if number < 4 else units["旬阳县"],
            name=f"{tag}-{number}",
            kind=kind,
            plan_category="new-start" if kind == "key" else None,
        )
        if kind == "prephase" and number < 4:
            wanted.add(project["id"])
    ids, totals = await walk(platform, q=tag, kind="prephase", unit_id=units["白河县"], limit=1)
    assert set(ids) == wanted and len(ids) == len(wanted)
    assert set(totals) == {2}


async def test_a_countys_cursor_never_shows_another_countys_projects(platform: Platform) -> None:
    units = await unit_ids(platform)
    tag = f"键集{uuid.uuid4().hex[:6]}"
    ours, theirs = set(), set()
    for number in range(8):
        county = "白河县" if number % 2 else "旬阳县"
        project = await register(platform, units[county], name=f"{tag}-{number}")
        (ours if county == "白河县" else theirs).add(project["id"])
    reviewer = await account(platform, [Role.REVIEWER], units["白河县"])

    ids, totals = await walk(platform, reviewer.headers, q=tag, sort="name", limit=1)
    assert set(ids) == ours and len(ids) == 4
    assert set(totals) == {4}

    # a cursor taken from the office's list, positioned on the other county's project, shows the county
    # only its own projects after that position
    office_first = await page(platform, q=tag, sort="name", limit=1)
    assert office_first["items"][0]["id"] in theirs  # "-0" belongs to 旬阳县
    following = await page(
        platform, reviewer.headers, q=tag, sort="name", limit=500, cursor=office_first["next_cursor"]
    )
    assert {item["id"] for item in following["items"]} == ours
    assert following["total"] == 4

    # a forged cursor naming another county's project is a position, nothing more; the total it carries,
    # counted for another list, is counted again
    forged = base64.urlsafe_b64encode(
        json.dumps(["name", [f"{tag}-"], str(uuid.UUID(int=0)), 9999, "0123456789abcdef"]).encode()
    ).decode()
    forged_page = await page(platform, reviewer.headers, q=tag, sort="name", limit=500, cursor=forged)
    assert {item["id"] for item in forged_page["items"]} == ours
    assert forged_page["total"] == 4


async def test_a_bad_cursor_is_a_422_naming_the_cursor(platform: Platform) -> None:
    tag = f"键集{uuid.uuid4().hex[:6]}"
    units = await unit_ids(platform)
    for number in range(3):
        await register(platform, units["白河县"], name=f"{tag}-{number}")
    by_name = (await page(platform, q=tag, sort="name", limit=1))["next_cursor"]
    assert by_name is not None

    def encoded(value: Any) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()

    for text in ("not a cursor", "%%%"):  # not even base64url: the document's pattern refuses it
        response = await platform.client.get("/api/v1/projects", params={"q": tag, "cursor": text})
        assert_problem(response, 422, "cursor", "string_pattern_mismatch")
    for params in [
        {"cursor": "bm90IGEgY3Vyc29y"},  # base64url of "not a cursor"
        {"cursor": encoded({"sort": "name"})},
        {"cursor": encoded(["name", [], str(uuid.uuid4()), 3, "0123456789abcdef"])},
        {"cursor": encoded(["name", [1], str(uuid.uuid4()), 3, "0123456789abcdef"])},
        {"cursor": encoded(["name", ["x"], "not-a-uuid", 3, "0123456789abcdef"])},
        {"cursor": encoded(["", ["2019", "x"], str(uuid.uuid4()), 3, "0123456789abcdef"])},
        {"cursor": encoded(["planned_start", ["2019-13-01"], str(uuid.uuid4()), 3, "0123456789abcdef"])},
        {"cursor": encoded(["-planned_investment_10k", ["many"], str(uuid.uuid4()), 3, "0123456789abcdef"])},
        {"cursor": encoded(["colour", ["x"], str(uuid.uuid4()), 3, "0123456789abcdef"])},
        # the total a cursor carries is a count: a whole number, not negative, not beyond any list; with the
        # key of the list it was counted for
        *(
            {"cursor": encoded(["name", ["x"], str(uuid.uuid4()), total, "0123456789abcdef"]), "sort": "name"}
            for total in (-1, True, "3", 2.5, 2**40, None)
        ),
        *(
            {"cursor": encoded(["name", ["x"], str(uuid.uuid4()), 3, *key]), "sort": "name"}
            for key in ([], [None], [7], ["0123456789ABCDEF"], ["'; drop table projects; --"])
        ),
        {"cursor": by_name, "sort": "-name"},  # another sort's cursor
        {"cursor": by_name},  # the default sort's list
        {"cursor": by_name, "sort": "name", "offset": 2},  # a cursor or an offset, not both
    ]:
        response = await platform.client.get("/api/v1/projects", params={"q": tag} | params)
        assert_problem(response, 422, "cursor", "cursor-invalid")
    empty = await platform.client.get("/api/v1/projects", params={"cursor": ""})
    assert_problem(empty, 422, "cursor", "string_too_short")
