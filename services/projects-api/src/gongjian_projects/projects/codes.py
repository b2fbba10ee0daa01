"""The unified project code (统一项目代码): its two shapes, checked by shape only, never by meaning.

- pre-2020: `YYYY-AAAAAA-BB-CC-NNNNNN`, a four-digit year (2013-2019), the 6-digit administrative
  division, industry, type, serial.
- current (GB/T 40058-2021): `YYMM-AAAAAA-BB-CC-NNNNNN`, two-digit year (20 onwards) and month, then
  the same blocks; 24 characters as well.

The first block tells them apart: a year from 2013 to 2019 is never a valid YYMM (month 13 to 19),
and a YYMM from 2001 on reads as January 2020 or later.
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
    if 2013 <= int(head) <= 2019:
        return ProjectCode(text=text, shape="pre-2020", year=int(head), region=region)
    yy, mm = int(head[:2]), int(head[2:])
    if yy >= 20 and 1 <= mm <= 12:
        return ProjectCode(text=text, shape="current", year=2000 + yy, region=region)
    return None
