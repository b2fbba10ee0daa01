"""Provisional sheets: before the year's end, future checkpoints, open start-recognition windows."""

from __future__ import annotations

from datetime import date

import pytest
from unit.scoring.scoring_builders import (
    county,
    county_unit,
    department,
    explanation,
    facts,
    key_project,
    points,
    with_settings,
)

from gongjian_scoring.engine import compute, is_provisional


@pytest.mark.parametrize(
    ("as_of", "provisional"),
    [
        (date(2019, 6, 30), True),
        (date(2019, 10, 30), True),
        (date(2019, 12, 30), True),
        (date(2019, 12, 31), False),
        (date(2020, 1, 31), False),
    ],
)
def test_county_sheet_is_provisional_until_the_year_ends(as_of: date, provisional: bool) -> None:
    assert is_provisional(county(), as_of) is provisional


def test_department_sheet_has_no_checkpoints_and_settles_at_year_end() -> None:
    assert is_provisional(department(), date(2019, 12, 30))
    assert not is_provisional(department(), date(2019, 12, 31))


def test_december_checkpoint_keeps_the_sheet_provisional_until_its_window_closes() -> None:
    rule_set = with_settings(county(), a4_checkpoints=[{"on": "2019-12-15", "target_pct": 100}])
    assert is_provisional(rule_set, date(2019, 12, 31))
    assert is_provisional(rule_set, date(2020, 1, 30))
    assert not is_provisional(rule_set, date(2020, 1, 31))


def starts() -> list[dict[str, object]]:
    return [key_project(i, new_start=True, started_on="2019-03-01" if i <= 5 else None) for i in range(1, 11)]


def test_checkpoint_after_as_of_is_not_assessed_yet() -> None:
    sheet = compute(county(), facts([county_unit(key_projects=starts())], as_of="2019-06-15"))
    unit = sheet.units[0]
    assert sheet.provisional
    assert points(unit, "C1.2") == 15
    text = explanation(unit, "C1.2")
    assert "6月30日 (2019-06-30, target 80%): 尚未考核 not assessed yet as of 2019-06-15" in text
    assert "9月30日 (2019-09-30, target 100%): 尚未考核 not assessed yet" in text


def test_checkpoint_inside_its_recognition_window_is_assessed_provisionally() -> None:
    sheet = compute(county(), facts([county_unit(key_projects=starts())], as_of="2019-07-15"))
    unit = sheet.units[0]
    # June: 5/10 = 50%, gap exactly 30: -3; September not yet assessed
    assert points(unit, "C1.2") == 12
    assert "start recognition open until 2019-07-31" in explanation(unit, "C1.2")


def test_as_of_on_the_window_close_settles_the_checkpoint() -> None:
    sheet = compute(county(), facts([county_unit(key_projects=starts())], as_of="2019-07-31"))
    assert "open until" not in explanation(sheet.units[0], "C1.2")


def test_as_of_may_be_later_than_the_facts() -> None:
    document = facts([county_unit()], as_of="2019-12-30")
    assert compute(county(), document).provisional
    later = compute(county(), document, date(2019, 12, 31))
    assert not later.provisional
    assert later.as_of == date(2019, 12, 31)
