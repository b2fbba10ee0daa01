"""The unified project code: two shapes told apart by the first block; Ankang regions decoded."""

from __future__ import annotations

import pytest

from gongjian_projects.projects.codes import SegmentRefusal, parse_code, segment_refusal


def test_a_pre_2020_code_gives_its_year_and_region() -> None:
    code = parse_code("2019-610902-48-01-012345")
    assert code is not None
    assert (code.shape, code.year, code.region, code.ankang_region) == ("pre-2020", 2019, "610902", "610902")


def test_a_current_code_reads_its_first_block_as_year_and_month() -> None:
    code = parse_code("2104-610921-04-01-518093")
    assert code is not None
    assert (code.shape, code.year, code.ankang_region) == ("current", 2021, "610921")


@pytest.mark.parametrize(
    "text",
    [
        "2020-610902-48-01-012345",  # 2020 is neither a pre-2020 year nor a month 20
        "2113-610902-48-01-012345",  # month 13
        "1912-610902-48-01-012345",  # 2-digit year 19 is before the current shape
        "2012-61090-48-01-012345",
        "2019-610902-48-01-01234X",
        "2019610902480101234567",
    ],
)
def test_other_shapes_are_refused(text: str) -> None:
    assert parse_code(text) is None


def test_the_city_and_other_provinces_decode_to_no_county() -> None:
    assert parse_code("2019-610900-48-01-012345").ankang_region is None  # type: ignore[union-attr]
    assert parse_code("2019-110101-48-01-012345").ankang_region is None  # type: ignore[union-attr]


def test_xunyang_codes_given_after_it_became_a_city_decode_to_the_county() -> None:
    code = parse_code("2203-610981-04-01-000001")
    assert code is not None and code.ankang_region == "610928"


def _refusal(text: str, *, plan_year: int = 2021, unit_region: str | None = None) -> SegmentRefusal | None:
    code = parse_code(text)
    assert code is not None
    return segment_refusal(code, plan_year=plan_year, unit_region=unit_region)


def test_a_county_project_carries_its_own_county_code() -> None:
    assert _refusal("2104-610921-04-01-518093", unit_region="610921") is None
    refusal = _refusal("2104-610902-04-01-518093", unit_region="610921")
    assert refusal is not None and refusal.segment == "region"
    assert "610902" in refusal.message and "610921" in refusal.message_zh


def test_a_county_project_may_not_carry_the_city_code() -> None:
    refusal = _refusal("2104-610900-04-01-518093", unit_region="610921")
    assert refusal is not None and refusal.segment == "region"


def test_xunyang_keeps_its_projects_under_either_number() -> None:
    assert _refusal("2203-610981-04-01-000001", plan_year=2022, unit_region="610928") is None
    assert _refusal("2019-610928-04-01-000001", plan_year=2022, unit_region="610928") is None
    assert _refusal("2019-610928-04-01-000001", plan_year=2022, unit_region="610981") is None


@pytest.mark.parametrize("region", ["610900", "610902", "610929", "610981"])
def test_a_city_level_unit_may_carry_any_ankang_region(region: str) -> None:
    assert _refusal(f"2104-{region}-04-01-518093") is None


@pytest.mark.parametrize("region", ["610100", "110101", "620902"])
def test_a_city_level_unit_may_not_carry_a_region_outside_ankang(region: str) -> None:
    refusal = _refusal(f"2104-{region}-04-01-518093")
    assert refusal is not None and refusal.segment == "region" and "6109" in refusal.message_zh


def test_the_year_segment_may_equal_or_precede_the_plan_year() -> None:
    assert _refusal("2112-610921-04-01-518093", plan_year=2021) is None
    assert _refusal("2017-610921-04-01-518093", plan_year=2021) is None


def test_a_year_segment_after_the_plan_year_is_refused_before_the_region() -> None:
    refusal = _refusal("2201-110101-04-01-518093", plan_year=2021)
    assert refusal is not None and refusal.segment == "year"
    assert "2022" in refusal.message and "2021" in refusal.message_zh
