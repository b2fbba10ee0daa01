"""The shared access policy: one test per rule."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from gongjian_shared.access import (
    DEPARTMENT_SECTORS,
    Access,
    Cached,
    Facts,
    UnitNode,
    UnitTree,
    UnitTreeCache,
    allows,
    department_of_industry,
    scope_of,
)
from gongjian_shared.auth import Principal

CITY = uuid.uuid4()
COUNTY = uuid.uuid4()
ZONE = uuid.uuid4()  # a zone under the county
OTHER_COUNTY = uuid.uuid4()
TRANSPORT = uuid.uuid4()  # 市交通运输局
FINANCE = uuid.uuid4()  # 市财政局: no sector
LEADER = uuid.uuid4()

TREE = UnitTree(
    [
        UnitNode(COUNTY, None, "county", "汉滨区"),
        UnitNode(ZONE, COUNTY, "zone", "恒口示范区"),
        UnitNode(OTHER_COUNTY, None, "county", "宁陕县"),
        UnitNode(TRANSPORT, None, "department", "市交通运输局"),
        UnitNode(FINANCE, None, "department", "市财政局"),
    ]
)


def person(*roles: str, unit: uuid.UUID | None = COUNTY) -> Principal:
    return Principal(user_id=uuid.uuid4(), username="someone", unit_id=unit, roles=frozenset(roles))


def service_account() -> Principal:
    return Principal(
        user_id=uuid.uuid4(),
        username="provincial-db",
        unit_id=None,
        roles=frozenset({"service"}),
        kind="service",
        scopes=frozenset({"projects:read"}),
    )


def may(
    principal: Principal, access: Access, facts: Facts, leaders: frozenset[uuid.UUID] = frozenset()
) -> bool:
    return allows(principal, access, facts, TREE, leaders)


OWN = Facts(unit_id=COUNTY)
CHILD = Facts(unit_id=ZONE)
OTHER = Facts(unit_id=OTHER_COUNTY)
CITY_LEVEL = Facts()


# --- the unit tree ---


def test_tree_knows_ancestors_descendants_and_within() -> None:
    tree = UnitTree([(ZONE, COUNTY), (COUNTY, None), (OTHER_COUNTY, None)])
    assert tree.ancestors(ZONE) == (COUNTY,)
    assert tree.descendants(COUNTY) == {ZONE}
    assert tree.subtree(COUNTY) == {COUNTY, ZONE}
    assert tree.within(ZONE, COUNTY) and tree.within(COUNTY, COUNTY)
    assert not tree.within(COUNTY, ZONE) and not tree.within(ZONE, OTHER_COUNTY)
    assert not tree.within(None, COUNTY) and not tree.within(ZONE, None)


def test_tree_survives_a_cycle_and_unknown_units() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    tree = UnitTree([(a, b), (b, a)])
    assert set(tree.ancestors(a)) == {b}
    assert tree.descendants(a) == {b}
    assert tree.ancestors(uuid.uuid4()) == () and tree.descendants(uuid.uuid4()) == frozenset()


# --- office, admin, convener, service accounts ---


@pytest.mark.parametrize("role", ["office", "admin"])
def test_office_and_admin_may_do_everything(role: str) -> None:
    office = person(role, unit=None)
    for access in Access:
        assert may(office, access, OTHER) and may(office, access, CITY_LEVEL)
        assert may(office, access, Facts(meeting=True, meeting_unit_id=COUNTY))


def test_convener_reads_everything_and_writes_nothing() -> None:
    convener = person("convener", unit=None)
    assert may(convener, Access.READ, OTHER) and may(convener, Access.READ, CITY_LEVEL)
    assert not any(
        may(convener, access, OTHER) for access in (Access.WRITE, Access.REVIEW, Access.ADMINISTER)
    )


def test_convener_approves_meetings() -> None:
    convener = person("convener", unit=None)
    assert may(convener, Access.REVIEW, Facts(meeting=True))
    assert not may(convener, Access.ADMINISTER, Facts(meeting=True))


def test_service_account_reads_only() -> None:
    machine = service_account()
    assert may(machine, Access.READ, OTHER) and may(machine, Access.READ, CITY_LEVEL)
    assert not any(may(machine, access, OTHER) for access in (Access.WRITE, Access.REVIEW, Access.ADMINISTER))


def test_service_account_with_a_unit_still_only_reads() -> None:
    machine = Principal(
        user_id=uuid.uuid4(),
        username="tool",
        unit_id=COUNTY,
        roles=frozenset({"service", "reporter"}),
        kind="service",
    )
    assert not may(machine, Access.WRITE, OWN)


# --- a unit's people ---


def test_reporter_reads_and_writes_own_unit_only() -> None:
    reporter = person("reporter")
    assert may(reporter, Access.READ, OWN) and may(reporter, Access.WRITE, OWN)
    assert not may(reporter, Access.READ, OTHER) and not may(reporter, Access.WRITE, OTHER)
    assert not may(reporter, Access.READ, CHILD) and not may(reporter, Access.WRITE, CHILD)
    assert not may(reporter, Access.REVIEW, OWN) and not may(reporter, Access.ADMINISTER, OWN)


def test_liaison_reads_own_unit_but_cannot_write() -> None:
    liaison = person("liaison")
    assert may(liaison, Access.READ, OWN)
    assert not may(liaison, Access.WRITE, OWN)
    assert not may(liaison, Access.READ, OTHER)


def test_reviewer_reads_and_reviews_own_unit_and_the_units_under_it() -> None:
    reviewer = person("reviewer")
    for facts in (OWN, CHILD):
        assert may(reviewer, Access.READ, facts) and may(reviewer, Access.REVIEW, facts)
        assert not may(reviewer, Access.WRITE, facts)
    assert not may(reviewer, Access.READ, OTHER) and not may(reviewer, Access.REVIEW, OTHER)


def test_zone_reviewer_does_not_see_its_county() -> None:
    reviewer = person("reviewer", unit=ZONE)
    assert may(reviewer, Access.READ, CHILD)
    assert not may(reviewer, Access.READ, OWN)


def test_unit_admin_administers_own_unit_and_below_and_nothing_else() -> None:
    unit_admin = person("unit-admin")
    assert may(unit_admin, Access.ADMINISTER, OWN) and may(unit_admin, Access.ADMINISTER, CHILD)
    assert not may(unit_admin, Access.ADMINISTER, OTHER)
    assert may(unit_admin, Access.READ, CHILD)
    assert not may(unit_admin, Access.WRITE, OWN) and not may(unit_admin, Access.REVIEW, OWN)


def test_a_person_without_a_unit_sees_no_unit_objects() -> None:
    nobody = person("reporter", "liaison", "reviewer", unit=None)
    assert not may(nobody, Access.READ, OWN) and not may(nobody, Access.WRITE, OWN)


def test_city_level_objects_are_read_only_by_office_conveners_and_services() -> None:
    assert not may(person("reporter", "reviewer", "liaison", "unit-admin"), Access.READ, CITY_LEVEL)
    assert may(person("convener", unit=None), Access.READ, CITY_LEVEL)


# --- leaders ---


def test_leader_reads_only_assigned_projects() -> None:
    leader = person("leader", unit=None)
    assigned = Facts(unit_id=OTHER_COUNTY, leader_ids=frozenset({LEADER}))
    assert may(leader, Access.READ, assigned, frozenset({LEADER}))
    assert not may(leader, Access.READ, OTHER, frozenset({LEADER}))
    assert not may(leader, Access.WRITE, assigned, frozenset({LEADER}))


def test_leader_ids_count_only_for_the_leader_role() -> None:
    assigned = Facts(unit_id=OTHER_COUNTY, leader_ids=frozenset({LEADER}))
    assert not may(person("liaison"), Access.READ, assigned, frozenset({LEADER}))


# --- department reviewers and their sector ---


def test_department_reviewer_sees_county_projects_of_its_sector() -> None:
    reviewer = person("reviewer", unit=TRANSPORT)
    road = Facts(unit_id=OTHER_COUNTY, industry="交通")
    zone_road = Facts(unit_id=ZONE, industry="公路")
    assert may(reviewer, Access.READ, road) and may(reviewer, Access.READ, zone_road)
    assert not may(reviewer, Access.REVIEW, road) and not may(reviewer, Access.WRITE, road)


def test_department_reviewer_does_not_see_other_sectors_or_other_departments() -> None:
    reviewer = person("reviewer", unit=TRANSPORT)
    assert not may(reviewer, Access.READ, Facts(unit_id=OTHER_COUNTY, industry="水利"))
    assert not may(reviewer, Access.READ, Facts(unit_id=OTHER_COUNTY, industry=None))
    assert not may(reviewer, Access.READ, Facts(unit_id=FINANCE, industry="交通"))


def test_department_without_a_sector_and_department_liaisons_see_no_county_projects() -> None:
    road = Facts(unit_id=OTHER_COUNTY, industry="交通")
    assert not may(person("reviewer", unit=FINANCE), Access.READ, road)
    assert not may(person("liaison", unit=TRANSPORT), Access.READ, road)


def test_sector_table_gives_each_industry_one_department() -> None:
    industries = [industry for sector in DEPARTMENT_SECTORS.values() for industry in sector]
    assert len(industries) == len(set(industries))
    assert department_of_industry(" 交通 ") == "市交通运输局"
    assert department_of_industry("水利") == "市水利局"
    assert department_of_industry("能源") == "市发改委"
    assert department_of_industry("不存在的行业") is None and department_of_industry(None) is None


def test_sector_scope_exposes_sql_filter_sets() -> None:
    scope = scope_of(person("reviewer", unit=TRANSPORT), TREE)
    assert "交通" in scope.sector_industries
    assert scope.sector_unit_ids == {COUNTY, ZONE, OTHER_COUNTY}


# --- helping units on ledger obstacles ---


def test_helping_unit_reads_and_acts_on_the_obstacle_it_is_named_on() -> None:
    obstacle = Facts(unit_id=OTHER_COUNTY, helping_unit_ids=frozenset({TRANSPORT}))
    assert may(person("reporter", unit=TRANSPORT), Access.READ, obstacle)
    assert may(person("reporter", unit=TRANSPORT), Access.WRITE, obstacle)
    assert may(person("liaison", unit=TRANSPORT), Access.READ, obstacle)
    assert not may(person("liaison", unit=TRANSPORT), Access.WRITE, obstacle)
    assert not may(person("reporter", unit=FINANCE), Access.READ, obstacle)


# --- joint meetings ---


COUNTY_MEETING = Facts(meeting=True, meeting_unit_id=COUNTY)
CITY_MEETING = Facts(meeting=True)


def test_unit_admin_runs_its_countys_meetings_only() -> None:
    unit_admin = person("unit-admin")
    assert may(unit_admin, Access.ADMINISTER, COUNTY_MEETING)
    assert may(unit_admin, Access.ADMINISTER, Facts(meeting=True, meeting_unit_id=ZONE))
    assert not may(unit_admin, Access.ADMINISTER, Facts(meeting=True, meeting_unit_id=OTHER_COUNTY))
    assert not may(unit_admin, Access.ADMINISTER, CITY_MEETING)
    assert not may(person("reporter"), Access.ADMINISTER, COUNTY_MEETING)


def test_county_meeting_is_visible_to_that_countys_units_only() -> None:
    assert may(person("liaison"), Access.READ, COUNTY_MEETING)
    assert may(person("liaison", unit=ZONE), Access.READ, COUNTY_MEETING)
    assert not may(person("liaison", unit=OTHER_COUNTY), Access.READ, COUNTY_MEETING)
    assert not may(person("liaison", unit=TRANSPORT), Access.READ, COUNTY_MEETING)
    assert may(person("office", unit=None), Access.READ, COUNTY_MEETING)


def test_city_meeting_is_visible_to_every_person() -> None:
    assert may(person("liaison", unit=OTHER_COUNTY), Access.READ, CITY_MEETING)
    assert may(person("leader", unit=None), Access.READ, CITY_MEETING)
    assert not may(Principal(uuid.uuid4(), "nobody", COUNTY, frozenset()), Access.READ, CITY_MEETING)


def test_machines_only_read_meetings_their_scopes_reach() -> None:
    machine = service_account()
    assert may(machine, Access.READ, COUNTY_MEETING)
    assert not any(may(machine, access, COUNTY_MEETING) for access in (Access.WRITE, Access.ADMINISTER))


def test_unit_writes_its_own_topic_and_the_feedback_it_is_named_on() -> None:
    topic = Facts(meeting=True, unit_id=COUNTY)
    resolution = Facts(meeting=True, helping_unit_ids=frozenset({OTHER_COUNTY}))
    assert may(person("liaison"), Access.WRITE, topic)
    assert not may(person("liaison", unit=OTHER_COUNTY), Access.WRITE, topic)
    assert may(person("reporter", unit=OTHER_COUNTY), Access.WRITE, resolution)
    assert not may(person("reviewer"), Access.WRITE, topic)


# --- the caches ---


def test_cache_loads_once_and_again_after_invalidation() -> None:
    loads: list[int] = []

    async def load() -> UnitTree:
        loads.append(1)
        return TREE

    async def run() -> None:
        cache = UnitTreeCache(load)
        assert not cache.loaded
        results = await asyncio.gather(cache.get(), cache.get(), cache.get())
        assert all(tree is TREE for tree in results) and len(loads) == 1
        cache.invalidate()
        await cache.get()
        assert len(loads) == 2

    asyncio.run(run())


def test_cache_drops_a_load_that_raced_an_invalidation() -> None:
    async def run() -> None:
        answers = ["old", "new"]

        async def load() -> str:
            value = answers.pop(0)
            if value == "old":
                cache.invalidate()  # a unit changed while the old rows were being read
            return value

        cache: Cached[str] = Cached(load)
        assert await cache.get() == "new"
        assert await cache.get() == "new" and not answers

    asyncio.run(run())
