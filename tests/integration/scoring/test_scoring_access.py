"""Who sees a unit's scoring objects: the office and the unit's own people. Another unit's facts, judgements,
sheet, trend and completed investment answer 404, as a missing unit's do; live standings stay the office's."""

from __future__ import annotations

import uuid

import pytest
from integration.scoring.scoring_support import unit_headers, unit_ids

from support.platform import Platform

pytestmark = pytest.mark.asyncio

API = "/api/v1/scoring"
UNIT_ROUTES = ("facts", "judgements", "sheet", "history", "completed-investment")


async def test_a_units_scoring_objects_are_its_own_and_another_units_answer_404(platform: Platform) -> None:
    counties = await unit_ids(platform, "county")
    own, other = counties["汉滨区"], counties["宁陕县"]
    liaison = unit_headers(platform, own, "liaison")
    for route in UNIT_ROUTES:
        params = {"year": 2019}
        mine = await platform.client.get(f"{API}/units/{own}/{route}", params=params, headers=liaison)
        assert mine.status_code == 200, (route, mine.text)
        theirs = await platform.client.get(f"{API}/units/{other}/{route}", params=params, headers=liaison)
        missing = await platform.client.get(
            f"{API}/units/{uuid.uuid4()}/{route}", params=params, headers=liaison
        )
        assert theirs.status_code == missing.status_code == 404, (route, theirs.text)
        assert theirs.json()["type"] == missing.json()["type"] == "/problems/unit-not-found", route
        office = await platform.client.get(f"{API}/units/{other}/{route}", params=params)
        assert office.status_code == 200, (route, office.text)


async def test_units_see_only_published_standings(platform: Platform) -> None:
    own = (await unit_ids(platform, "county"))["汉滨区"]
    live = await platform.client.get(f"{API}/standings", params={"year": 2019, "kind": "county"})
    assert live.status_code == 200 and live.json()["published"] is False
    unit = await platform.client.get(
        f"{API}/standings", params={"year": 2019, "kind": "county"}, headers=unit_headers(platform, own)
    )
    assert unit.status_code == 404, "nothing is published yet: a unit does not see the live standings"
