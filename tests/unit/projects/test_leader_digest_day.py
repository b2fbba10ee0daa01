"""The leaders' monthly digest goes out from a day of the month the deployment chooses (1..28)."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from gongjian_projects.leaders.digest import digest_month
from gongjian_projects.settings import ProjectsSettings


def test_the_digest_of_the_month_before_is_due_from_the_digest_day_on() -> None:
    assert digest_month(date(2019, 6, 14), 15) is None
    assert digest_month(date(2019, 6, 15), 15) == (2019, 5)
    assert digest_month(date(2020, 1, 1), 1) == (2019, 12)
    assert digest_month(date(2019, 3, 27), 28) is None
    assert digest_month(date(2019, 2, 28), 28) == (2019, 1), "every month has a 28th"


def test_the_digest_day_is_a_setting_of_projects_api(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ProjectsSettings().leader_digest_day == 10
    monkeypatch.setenv("PROJECTS_LEADER_DIGEST_DAY", "15")
    assert ProjectsSettings().leader_digest_day == 15


@pytest.mark.parametrize("day", [0, 29, 31])
def test_a_digest_day_not_in_every_month_is_refused(day: int) -> None:
    with pytest.raises(ValidationError, match="leader_digest_day"):
        ProjectsSettings(leader_digest_day=day)
