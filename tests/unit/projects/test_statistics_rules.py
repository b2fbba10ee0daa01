"""Statistics' pure rules: the month's cut, the quarter's end, what counts as started and in which tier."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from gongjian_projects.statistics.annex2 import _actuals, _amount, _count
from gongjian_projects.statistics.bulletins import quarter_end
from gongjian_projects.statistics.service import month_cut


def project(kind: str, **fields: Any) -> SimpleNamespace:
    values: dict[str, Any] = {
        "kind": kind,
        "plan_category": None,
        "started_on": None,
        "completed_ytd": 0,
        "total_investment_10k": Decimal(0),
        "capital_origin": None,
        "funds_in_place_10k": None,
    }
    return SimpleNamespace(**(values | fields))


def test_the_cut_is_the_day_after_the_month_and_the_quarter_ends_on_its_last_day() -> None:
    assert month_cut(2019, 9) == date(2019, 10, 1)
    assert month_cut(2019, 12) == date(2020, 1, 1)
    assert [quarter_end(2019, q) for q in (1, 2, 3, 4)] == [
        date(2019, 3, 31),
        date(2019, 6, 30),
        date(2019, 9, 30),
        date(2019, 12, 31),
    ]


def test_a_new_start_counts_as_started_when_recognised_before_the_cut() -> None:
    cut = month_cut(2019, 6)
    rows = [
        project("key", plan_category="new-start", started_on=date(2019, 6, 30)),
        project("key", plan_category="new-start", started_on=date(2019, 7, 1)),
        project("key", plan_category="continuing", started_on=date(2019, 1, 1)),
    ]
    actuals = _actuals(rows, cut)
    assert (actuals.counts["key_projects"], actuals.counts["key_projects_new_start"]) == (3, 1)


def test_planned_tiers_are_at_least_2_and_10_bn_and_foreign_capital_is_not_domestic() -> None:
    rows = [
        project("planned", total_investment_10k=Decimal("1000000")),
        project("planned", total_investment_10k=Decimal("999999.99")),
        project("planned", total_investment_10k=Decimal("200000")),
        project("planned", total_investment_10k=Decimal("199999.99")),
        project("attraction", capital_origin="foreign", funds_in_place_10k=Decimal(30000)),
        project("attraction", capital_origin="domestic", funds_in_place_10k=Decimal(12345)),
        project("attraction"),
    ]
    actuals = _actuals(rows, date(2019, 7, 1))
    assert [actuals.counts[name] for name in ("planned_projects", "planned_projects_over_2bn")] == [4, 3]
    assert actuals.counts["planned_projects_over_10bn"] == 1
    assert _amount(Decimal(31), actuals.domestic_10k / 10000).model_dump() == {
        "target": Decimal(31),
        "actual": Decimal("1.23"),
        "gap": Decimal("-29.77"),
        "percent": Decimal("3.97"),
    }


def test_without_a_target_there_is_nothing_to_compare() -> None:
    assert _count(None, 3).model_dump() == {"target": None, "actual": 3, "gap": None, "done": None}
    assert _count(2, 2).done is True and _count(3, 2).done is False
    assert _amount(Decimal(0), Decimal(5)).percent is None
