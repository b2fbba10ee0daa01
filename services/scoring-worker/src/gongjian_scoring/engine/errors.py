"""The one error type for facts that cannot be scored (考核事实数据有误).

Each detail names the offending field by its path in the facts document, so that an HTTP layer can render
the error as RFC 9457 problem details and the CLI can print it; the message names the unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from pydantic import ValidationError


class FactsErrorDetail(TypedDict):
    loc: list[str | int]
    msg: str
    type: str


def format_loc(loc: Sequence[str | int]) -> str:
    """`["units", 0, "key_projects", 2, "planned_10k"]` -> `units[0].key_projects[2].planned_10k`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(document)"


class FactsError(ValueError):
    """The facts document is invalid, or lacks a field the rule set needs."""

    def __init__(self, errors: Sequence[FactsErrorDetail]) -> None:
        self.errors: list[FactsErrorDetail] = list(errors)
        lines = [f"{format_loc(e['loc'])}: {e['msg']}" for e in self.errors]
        super().__init__("invalid facts / 考核事实数据有误:\n  " + "\n  ".join(lines))

    @classmethod
    def from_validation_error(
        cls, error: ValidationError, unit_names: Sequence[str | None] = ()
    ) -> FactsError:
        """Translate pydantic's errors, prefixing each message with the unit it concerns."""
        details: list[FactsErrorDetail] = []
        for e in error.errors(include_url=False):
            loc = list(e["loc"])
            msg = e["msg"]
            if len(loc) >= 2 and loc[0] == "units" and isinstance(loc[1], int) and loc[1] < len(unit_names):
                name = unit_names[loc[1]]
                if name:
                    msg = f"{name}: {msg}"
            details.append({"loc": loc, "msg": msg, "type": e["type"]})
        return cls(details)


def detail(loc: Sequence[str | int], msg: str, type_: str) -> FactsErrorDetail:
    return {"loc": list(loc), "msg": msg, "type": type_}
