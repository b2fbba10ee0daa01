"""The unified project code: two shapes told apart by the first block; Ankang regions decoded."""

from __future__ import annotations

import pytest

from gongjian_projects.projects.codes import parse_code


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
