"""The README's "The joint meeting's state machine" says what the code does: its table of steps is
`rules.STEPS`, and its table of 409s names, for each step, every state the step is refused from."""

from __future__ import annotations

import re
from pathlib import Path

from gongjian_meetings.meetings.rules import STATES, STEPS, TRANSITIONS, allowed_next
from gongjian_meetings.models import MEETING_STATES

README = Path(__file__).resolve().parents[3] / "README.md"
HEADING = "## The joint meeting's state machine"
NOT_REQUESTED = ("close topic submission", "reopen topic collection")
TICKED = re.compile(r"`([a-z_-]+)`")


def section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(HEADING)
    end = text.index("\n## ", start + len(HEADING))
    return text[start:end]


def table_rows(header: str) -> list[list[str]]:
    """The cells of the rows of the section's table whose header line starts with `header`."""
    lines = section().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def ticked(cell: str) -> frozenset[str]:
    return frozenset(TICKED.findall(cell))


def test_the_code_knows_every_stored_state() -> None:
    assert set(STATES) == set(MEETING_STATES) == set(TRANSITIONS)


def test_the_readme_table_of_steps_is_the_codes() -> None:
    documented = {
        (ticked(source), next(iter(ticked(target))), ticked(who))
        for source, target, _, who in table_rows("| from | to | step | who |")
    }
    in_code = {(frozenset(s.sources), s.target, frozenset(s.by)) for s in STEPS}
    assert documented == in_code


def test_the_readme_lists_every_409_of_every_step() -> None:
    # every step a request takes; the cut-off is the scheduler's and reopening is part of rescheduling
    requested = {s.action: set(s.sources) for s in STEPS if s.action not in NOT_REQUESTED}
    # rescheduling is allowed where cancelling is: in every state that may still be called off
    requested["reschedule"] = {state for state in STATES if "cancelled" in allowed_next(state)}
    requested["open topic collection"] |= {"collecting_topics"}  # opening again answers 200
    rows = table_rows("| request | step | 409 from |")
    assert {action for _, action, _ in rows} == set(requested)
    for _, action, refused in rows:
        # what is said in brackets after the list (the idempotent answer) is not a refusal
        assert ticked(refused.split("(")[0]) == set(STATES) - requested[action], action


def test_the_diagram_draws_every_transition() -> None:
    drawn = set(re.findall(r"^\s+([a-z_]+) --> ([a-z_]+)", section(), flags=re.MULTILINE))
    expected = {(s, step.target) for step in STEPS for s in step.sources if step.target != "cancelled"}
    assert drawn == expected
