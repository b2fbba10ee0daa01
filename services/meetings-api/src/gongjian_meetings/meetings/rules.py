"""The meeting's rules, pure: its state machine, the series calendar and the deadlines of meeting day D.

Deadlines are calendar days in Asia/Shanghai, as the notice says; only reminders and escalations may be
moved to working days, when the body asks for it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from gongjian_shared.clock import SHANGHAI
from gongjian_shared.workdays import is_working_day


@dataclass(frozen=True)
class Step:
    """One step of the state machine: the action, the states it starts from, where it leads, who takes it.

    `by` names who may trigger it: `office` (the office running the body: the office, an admin, a county's
    unit-admin for its own body), `convener`, `unit` (a member unit, by what it does) or `scheduler` (a
    deadline row). The README's "The joint meeting's state machine" is this table in words; a unit test
    keeps them equal.
    """

    action: str
    sources: tuple[str, ...]
    target: str
    by: tuple[str, ...]


# states in which the meeting can still move (reschedule) or be called off
MOVABLE_STATES = (
    "scheduled",
    "collecting_topics",
    "drafting_agenda",
    "awaiting_approval",
    "approved",
    "circulated",
)

STEPS: tuple[Step, ...] = (
    Step("open topic collection", ("scheduled",), "collecting_topics", ("office", "unit")),
    Step("close topic submission", ("scheduled", "collecting_topics"), "drafting_agenda", ("scheduler",)),
    Step("close topic collection early", ("collecting_topics",), "drafting_agenda", ("office",)),
    Step("reopen topic collection", ("drafting_agenda",), "collecting_topics", ("office",)),
    Step("submit the agenda", ("drafting_agenda",), "awaiting_approval", ("office",)),
    Step("approve the agenda", ("awaiting_approval",), "approved", ("convener",)),
    Step("return the agenda", ("awaiting_approval",), "drafting_agenda", ("convener",)),
    Step("circulate the agenda", ("approved",), "circulated", ("office", "convener", "scheduler")),
    Step("record the meeting as held", ("circulated",), "held", ("office",)),
    Step("publish the minutes", ("held",), "minutes_published", ("office",)),
    Step("close the meeting", ("minutes_published",), "closed", ("office",)),
    Step("cancel", MOVABLE_STATES, "cancelled", ("office",)),
)
STEP_BY_ACTION: dict[str, Step] = {step.action: step for step in STEPS}

STATES = (*MOVABLE_STATES, "held", "minutes_published", "closed", "cancelled")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    state: tuple(dict.fromkeys(step.target for step in STEPS if state in step.sources)) for state in STATES
}

# states in which units may still send topics in time (before the cut-off) or, with leave, late
TOPIC_STATES = ("scheduled", "collecting_topics")
LATE_TOPIC_STATES = ("scheduled", "collecting_topics", "drafting_agenda")


def allowed_next(state: str) -> tuple[str, ...]:
    return TRANSITIONS.get(state, ())


def may_move(state: str, target: str) -> bool:
    return target in allowed_next(state)


def may_take(state: str, action: str) -> bool:
    """Whether `action` is a step out of `state` (a state may reach one target by several actions)."""
    step = STEP_BY_ACTION.get(action)
    return step is not None and state in step.sources


@dataclass(frozen=True)
class Windows:
    """How many calendar days before meeting day D each step closes (10, 7 and 3 for a regular meeting)."""

    topic_days: int = 10
    agenda_days: int = 7
    circulation_days: int = 3


@dataclass(frozen=True)
class Schedule:
    """The instants of one meeting's deadlines (timezone-aware, Asia/Shanghai)."""

    topics_close_at: datetime
    agenda_due_at: datetime
    approval_due_at: datetime
    circulation_at: datetime


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def end_of(day: date) -> datetime:
    """The end of a business day: the first instant of the next one."""
    return start_of(day + timedelta(days=1))


def at_hour(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def schedule(held_on: date, windows: Windows, reminder_hour: int) -> Schedule:
    circulation_at = at_hour(held_on - timedelta(days=windows.circulation_days), reminder_hour)
    return Schedule(
        topics_close_at=end_of(held_on - timedelta(days=windows.topic_days)),
        agenda_due_at=end_of(held_on - timedelta(days=windows.agenda_days)),
        approval_due_at=circulation_at,
        circulation_at=circulation_at,
    )


def nth_weekday(year: int, month: int, week: int, weekday: int) -> date:
    """The `week`-th `weekday` (Monday = 0) of a month; week 5 or more means the last one."""
    first = date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    day = first + timedelta(days=offset + 7 * (week - 1))
    while day.month != month:
        day -= timedelta(days=7)
    return day


def series_dates(
    *, interval_months: int, first_month: int, week: int, weekday: int, start: date, end: date
) -> list[tuple[str, date]]:
    """(series key, day) of the series' meetings from `start` to `end`, both included."""
    found = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        if (month - first_month) % interval_months == 0:
            day = nth_weekday(year, month, week, weekday)
            if start <= day <= end:
                found.append((f"{year}-{month:02d}", day))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reminder_day(day: date, *, skip_holidays: bool) -> date:
    """A reminder before a deadline: on a holiday it moves back to the previous working day, if asked."""
    if not skip_holidays:
        return day
    for _ in range(30):
        if is_working_day(day):
            return day
        day -= timedelta(days=1)
    return day


def after_days(day: date, days: int, *, skip_holidays: bool) -> date:
    """`days` days after `day`, counting working days only when asked (for overdue steps)."""
    if not skip_holidays:
        return day + timedelta(days=days)
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


ESCALATION_LADDER = ("reminder", "urging", "supervision", "convener-report")
