"""The working-day calendar (工作日历) the deadlines count in, published for the clients that count down to them
(the web console's "还剩 N 个工作日")."""

from __future__ import annotations

import pytest
from integration.projects.registry_support import account, assert_problem, unit_ids

from gongjian_shared.auth import Role
from support.platform import Platform

pytestmark = pytest.mark.asyncio


async def test_the_calendar_names_2019s_holidays_and_make_up_working_days(platform: Platform) -> None:
    reporter = await account(platform, [Role.REPORTER], (await unit_ids(platform))["白河县"])
    response = await platform.client.get("/api/v1/calendar/2019", headers=reporter.headers)
    assert response.status_code == 200, response.text
    calendar = response.json()
    assert calendar["year"] == 2019 and calendar["official"] is True
    # National Day week: Tuesday 1 to Monday 7 October off; Sunday 29 September and Saturday 12 October worked
    assert {"2019-10-01", "2019-10-02", "2019-10-03", "2019-10-04", "2019-10-07"} <= set(calendar["days_off"])
    assert {"2019-09-29", "2019-10-12", "2019-02-02", "2019-02-03"} <= set(calendar["working_weekends"])
    assert "2019-10-05" not in calendar["days_off"], "a Saturday off is not a departure from Monday-Friday"
    assert "2019-10-08" not in calendar["days_off"]


async def test_a_year_without_the_official_calendar_says_so(platform: Platform) -> None:
    response = await platform.client.get("/api/v1/calendar/2099")
    assert response.status_code == 200, response.text
    calendar = response.json()
    assert calendar["official"] is False and calendar["working_weekends"] == []
    assert {"2099-01-01", "2099-05-01", "2099-10-01"} <= set(calendar["days_off"])


async def test_a_year_out_of_range_is_refused_naming_it(platform: Platform) -> None:
    refused = await platform.client.get("/api/v1/calendar/1999")
    assert_problem(refused, 422, "year", "greater_than_equal")
