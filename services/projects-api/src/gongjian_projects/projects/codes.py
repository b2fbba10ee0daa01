"""The unified project code (统一项目代码): its two shapes, checked by shape only, never by meaning.

- pre-2020: `YYYY-AAAAAA-BB-CC-NNNNNN`, a four-digit year (2013-2019), the 6-digit administrative
  division, industry, type, serial.
- current (GB/T 40058-2021): `YYMM-AAAAAA-BB-CC-NNNNNN`, two-digit year (20 onwards) and month, then
  the same blocks; 24 characters as well.

The first block tells them apart: a year from 2013 to 2019 is never a valid YYMM (month 13 to 19),
and a YYMM from 2001 on reads as January 2020 or later.

Beyond the shape, `segment_refusal` checks two segments against the project: the region (AAAAAA) lies under
the project's unit (a county's own code; a city-level unit, any Ankang region 6109xx) and the year is not
after the plan year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

CodeShape = Literal["pre-2020", "current"]

_BLOCKS = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")
ANKANG_PREFIX = "6109"
ANKANG_CITY = "610900"
# 旬阳 became a county-level city in 2021 (610928 -> 610981); codes given since then carry the new number.
REGION_ALIASES = {"610981": "610928"}
SHAPE_MESSAGE = (
    "Not a unified project code: YYYY-AAAAAA-BB-CC-NNNNNN (before 2020) or YYMM-AAAAAA-BB-CC-NNNNNN"
)
SHAPE_MESSAGE_ZH = (
    "统一项目代码格式错误：应为 YYYY-AAAAAA-BB-CC-NNNNNN（2020年前）或 YYMM-AAAAAA-BB-CC-NNNNNN"
)


@dataclass(frozen=True)
class ProjectCode:
    text: str
    shape: CodeShape
    year: int
    region: str

    @property
    def ankang_region(self) -> str | None:
        """The county's administrative code when the project lies in an Ankang county, else None."""
        region = REGION_ALIASES.get(self.region, self.region)
        if region.startswith(ANKANG_PREFIX) and region != ANKANG_CITY:
            return region
        return None


def parse_code(text: str) -> ProjectCode | None:
    """The code's shape, year and region; None when it has neither shape."""
    match = _BLOCKS.match(text)
    if match is None:
        return None
    head, region = match.group(1), match.group(2)
    # The serial block's last digit is a check digit (GB/T 40058-2021), but its algorithm is not known to us
    # yet, so it is left unchecked. Once known, check it here and answer None (a malformed code) when wrong.
    if 2013 <= int(head) <= 2019:
        return ProjectCode(text=text, shape="pre-2020", year=int(head), region=region)
    yy, mm = int(head[:2]), int(head[2:])
    if yy >= 20 and 1 <= mm <= 12:
        return ProjectCode(text=text, shape="current", year=2000 + yy, region=region)
    return None


@dataclass(frozen=True)
class SegmentRefusal:
    """Which segment of a well-shaped code does not fit its project, and why, in both languages."""

    segment: Literal["year", "region"]
    message: str
    message_zh: str


def normal_region(region: str) -> str:
    return REGION_ALIASES.get(region, region)


def segment_refusal(code: ProjectCode, *, plan_year: int, unit_region: str | None) -> SegmentRefusal | None:
    """None when the code's year and region fit the project; `unit_region` is the administrative code of the
    county the project's unit belongs to, None for a city-level unit (department, zone, enterprise)."""
    if code.year > plan_year:
        return SegmentRefusal(
            "year",
            f"The code's year segment ({code.year}) is after the plan year {plan_year}",
            f"项目代码的年份段（{code.year}）晚于计划年度 {plan_year}",
        )
    region = normal_region(code.region)
    if unit_region is None and not region.startswith(ANKANG_PREFIX):
        return SegmentRefusal(
            "region",
            f"The code's region segment ({code.region}) is not in Ankang (6109xx)",
            f"项目代码的行政区划段（{code.region}）不属于安康市（6109xx）",
        )
    if unit_region is not None and region != normal_region(unit_region):
        return SegmentRefusal(
            "region",
            f"The code's region segment ({code.region}) is not the unit's county ({unit_region})",
            f"项目代码的行政区划段（{code.region}）不是本单位所在县区（{unit_region}）",
        )
    return None
