"""Listing for front ends: filters, search on name and code, sorting, pagination with totals."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from integration.projects.registry_support import assert_problem, register, unit_ids

from support.platform import Platform

pytestmark = pytest.mark.asyncio


async def names(platform: Platform, **params: Any) -> list[str]:
    response = await platform.client.get("/api/v1/projects", params={"limit": 500} | params)
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


async def test_filters_search_sorting_and_pages(platform: Platform) -> None:
    units = await unit_ids(platform)
    leader = (
        await platform.client.post("/api/v1/leaders", json={"name": "领导乙", "level": "county"})
    ).json()
    await register(
        platform,
        units["白河县"],
        name="白河大桥",
        code="2019-610929-48-01-000001",
        planned_investment_10k="300",
    )
    await register(
        platform,
        units["白河县"],
        name="白河水厂",
        plan_category="continuing",
        planned_investment_10k="100",
        leader_ids=[leader["id"]],
    )
    await register(platform, units["旬阳县"], name="旬阳大桥", kind="prephase", planned_investment_10k="200")
    await register(platform, units["旬阳县"], name="旬阳二〇年项目", year=2020, planned_investment_10k="50")

    assert await names(platform, unit_id=units["白河县"], sort="name") == ["白河大桥", "白河水厂"]
    assert await names(platform, unit_id=[units["白河县"], units["旬阳县"]], year=2019, sort="name") == [
        "旬阳大桥",
        "白河大桥",
        "白河水厂",
    ]
    assert await names(platform, kind="prephase") == ["旬阳大桥"]
    assert await names(platform, plan_category="continuing") == ["白河水厂"]
    assert await names(platform, leader_id=leader["id"]) == ["白河水厂"]
    assert await names(platform, status="planned", year=2020) == ["旬阳二〇年项目"]
    assert await names(platform, status="completed") == []
    assert await names(platform, q="大桥", sort="-planned_investment_10k") == ["白河大桥", "旬阳大桥"]
    assert await names(platform, q="610929-48") == ["白河大桥"]
    assert await names(platform, q="100%") == []  # LIKE wildcards are searched literally

    page = await platform.client.get(
        "/api/v1/projects", params={"sort": "planned_investment_10k", "limit": 2, "offset": 1}
    )
    body = page.json()
    assert (body["total"], body["limit"], body["offset"]) == (4, 2, 1)
    assert [item["name"] for item in body["items"]] == ["白河水厂", "旬阳大桥"]


async def test_bad_list_parameters_name_the_parameter(platform: Platform) -> None:
    for params, field, rule in [
        ({"sort": "colour"}, "sort", "literal_error"),
        ({"limit": 0}, "limit", "greater_than_equal"),
        ({"kind": "big"}, "kind", "literal_error"),
        ({"unit_id": "x"}, "unit_id.0", "uuid_parsing"),
    ]:
        assert_problem(await platform.client.get("/api/v1/projects", params=params), 422, field, rule)


async def test_a_listed_entry_is_its_detail_without_the_other_years(platform: Platform) -> None:
    """The list writes the stored entries without validating them again; what it writes is what the detail,
    validated, shows: every kind, with leaders, a monthly plan, a location and the kind's own fields."""
    units = await unit_ids(platform)
    tag = f"清单{uuid.uuid4().hex[:6]}"
    leader = (
        await platform.client.post("/api/v1/leaders", json={"name": f"{tag}领导", "level": "county"})
    ).json()
    await register(
        platform,
        units["白河县"],
        name=f"{tag}-key",
        code=f"2019-610929-48-01-{uuid.uuid4().int % 10**6:06d}",
        leader_ids=[leader["id"]],
        planned_by_month=["1000"] * 12,
        location={
            "admin_code": "610929",
            "address": "白河县城关镇",
            "latitude": "32.8",
            "longitude": "110.1",
        },
    )
    await register(
        platform,
        units["白河县"],
        name=f"{tag}-planned",
        kind="planned",
        plan_category=None,
        total_investment_10k="1200000",
        planned={"depth": "feasibility", "proposed_for_next_year": True},
    )
    await register(
        platform,
        units["安康高新区"],
        name=f"{tag}-attraction",
        kind="attraction",
        plan_category=None,
        total_investment_10k="80000",
        attraction={"stage": "signed", "signed_amount_10k": "80000", "capital_origin": "foreign"},
    )
    response = await platform.client.get("/api/v1/projects", params={"q": tag, "sort": "name"})
    assert response.status_code == 200, response.text
    listed = response.json()["items"]
    assert [item["kind"] for item in listed] == ["attraction", "key", "planned"]
    for item in listed:
        detail = (await platform.client.get(f"/api/v1/projects/{item['id']}")).json()
        detail.pop("other_years")
        assert item == detail
