"""Reporting months (填报月份): windows, due reminders, and the freeze at the statistics cut-off.

Default window: the 25th of the month to the end of the 5th of the next (Asia/Shanghai); the reminder
goes two days before it closes; the month freezes at its cut-off, five days after the close. Once frozen
a month's published figures come from its snapshot and never change.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from gongjian_projects.access import Scope
from gongjian_projects.early_warning import service as early_warning
from gongjian_projects.http import require_if_match
from gongjian_projects.models import ReportingMonth
from gongjian_projects.projects.repository import visible_to
from gongjian_projects.reporting.errors import MonthFrozen, NothingToRemind, WindowStillOpen
from gongjian_projects.reporting.repository import ReportingRepository
from gongjian_projects.reporting.schemas import (
    MonthFigureOut,
    MonthFiguresOut,
    MonthState,
    OwingUnitOut,
    ReminderOut,
    ReportingMonthOut,
    ReportingMonthUpdate,
)
from gongjian_projects.statistics import snapshots as statistics_snapshots
from gongjian_shared.clock import SHANGHAI
from gongjian_shared.events.projects import ProgressReportDue, UnitOwing
from gongjian_shared.events.projects import UnitContact as ContactEvent
from gongjian_shared.uow import UnitOfWork

OPENS_ON_DAY = 25
CLOSES_AFTER_DAY = 5  # of the next month, inclusive
REMINDER_LEAD = timedelta(days=2)
CUT_OFF_AFTER_CLOSE = timedelta(days=5)
DUE = "progress-report-due"
FREEZE = "month-freeze"


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def default_window(year: int, month: int) -> dict[str, Any]:
    following = next_month(year, month)
    closes_at = _midnight(date(*following, CLOSES_AFTER_DAY) + timedelta(days=1))
    return {
        "year": year,
        "month": month,
        "opens_at": _midnight(date(year, month, OPENS_ON_DAY)),
        "closes_at": closes_at,
        "reminder_at": closes_at - REMINDER_LEAD,
        "cut_off_at": closes_at + CUT_OFF_AFTER_CLOSE,
        "revision": 1,
    }


def state_of(row: ReportingMonth, now: datetime) -> MonthState:
    if row.frozen_at is not None:
        return "frozen"
    if now < row.opens_at:
        return "not-open"
    return "open" if now < row.closes_at else "closed"


def to_out(row: ReportingMonth, now: datetime) -> ReportingMonthOut:
    return ReportingMonthOut(
        year=row.year,
        month=row.month,
        opens_at=row.opens_at,
        closes_at=row.closes_at,
        reminder_at=row.reminder_at,
        cut_off_at=row.cut_off_at,
        frozen_at=row.frozen_at,
        state=state_of(row, now),
        revision=row.revision,
    )


async def ensure_month(uow: UnitOfWork, year: int, month: int, *, for_update: bool = False) -> ReportingMonth:
    """The month's row, created with the default window (and its deadlines) on first use: only the month's
    job and the office's routes open a month."""
    months = ReportingRepository(uow.session)
    row = await months.get(year, month, for_update=for_update)
    if row is not None:
        return row
    values = default_window(year, month)
    await months.insert_if_missing(values)
    await months.set_deadline(DUE, year, month, values["reminder_at"])
    await months.set_deadline(FREEZE, year, month, values["cut_off_at"])
    row = await months.get(year, month, for_update=for_update)
    assert row is not None
    return row


async def month_window(uow: UnitOfWork, year: int, month: int) -> ReportingMonth:
    """The month's window as it stands, read only: its row, or (not opened yet) the default window its row
    will get, unsaved."""
    return window_of(await ReportingRepository(uow.session).get(year, month), year, month)


def window_of(row: ReportingMonth | None, year: int, month: int) -> ReportingMonth:
    """The month's window given its row as read (None: not opened yet, the default window, unsaved)."""
    return row if row is not None else ReportingMonth(**default_window(year, month))


async def update_month(
    uow: UnitOfWork, year: int, month: int, if_match: str | None, command: ReportingMonthUpdate
) -> ReportingMonth:
    row = await ensure_month(uow, year, month, for_update=True)
    require_if_match(if_match, row.revision)
    if row.frozen_at is not None:
        raise MonthFrozen(f"{year}-{month:02d} is frozen.")
    row.opens_at, row.closes_at = command.opens_at, command.closes_at
    row.reminder_at, row.cut_off_at = command.reminder_at, command.cut_off_at
    row.revision += 1
    months = ReportingRepository(uow.session)
    await months.set_deadline(DUE, year, month, command.reminder_at)
    await months.set_deadline(FREEZE, year, month, command.cut_off_at)
    await months.flush()
    return row


async def is_frozen(uow: UnitOfWork, year: int, month: int) -> bool:
    row = await ReportingRepository(uow.session).get(year, month)
    return row is not None and row.frozen_at is not None


async def landing_month(uow: UnitOfWork, year: int, month: int) -> tuple[int, int]:
    """The first month after (year, month) that is not frozen: where a late correction lands."""
    horizon = 36
    frozen = await ReportingRepository(uow.session).frozen_periods_after(year, month, horizon)
    candidate = next_month(year, month)
    for _ in range(horizon):
        if candidate not in frozen:
            return candidate
        candidate = next_month(*candidate)
    raise RuntimeError("no open month within three years")


async def freeze_month(uow: UnitOfWork, year: int, month: int, by: uuid.UUID | None) -> ReportingMonth:
    """Publish the month: snapshot its accepted figures (they never change afterwards), judge every key
    project against the benchmark as of its end, and store the month's statistics as published."""
    session, clock = uow.session, uow.clock
    row = await ensure_month(uow, year, month, for_update=True)
    if row.frozen_at is not None:
        raise MonthFrozen(f"{year}-{month:02d} is already frozen.")
    now = clock.now()
    if now < row.closes_at:
        raise WindowStillOpen(
            f"{year}-{month:02d} can be frozen once its window closes at {row.closes_at.isoformat()}.",
            extra={"deadline": row.closes_at.isoformat()},
        )
    await ReportingRepository(session).snapshot(year, month)
    row.frozen_at, row.frozen_by = now, by
    await session.flush()
    await early_warning.evaluate_month(uow, year, month)
    await statistics_snapshots.take(uow, year, month)
    return row


async def owing_units(uow: UnitOfWork, year: int, month: int, scope: Scope | None) -> list[OwingUnitOut]:
    """Units owing reports for the month, of the projects `scope` may read (None: all)."""
    visible = visible_to(scope) if scope is not None else None
    grouped: dict[uuid.UUID, OwingUnitOut] = {}
    for unit_id, unit_name, project_id in await ReportingRepository(uow.session).owing(year, month, visible):
        entry = grouped.setdefault(
            unit_id, OwingUnitOut(unit_id=unit_id, unit_name=unit_name, project_ids=[])
        )
        entry.project_ids.append(project_id)
    return list(grouped.values())


async def due_reminder(
    uow: UnitOfWork, year: int, month: int, unit_ids: Sequence[uuid.UUID] | None = None
) -> ProgressReportDue | None:
    """`progress-report-due` naming every unit that owes reports (of `unit_ids`, when given), with its
    liaisons; None when none owe."""
    row = await ensure_month(uow, year, month)
    owing = await owing_units(uow, year, month, None)
    if unit_ids is not None:
        owing = [entry for entry in owing if entry.unit_id in set(unit_ids)]
    if not owing:
        return None
    contacts = await ReportingRepository(uow.session).liaisons([entry.unit_id for entry in owing])
    return ProgressReportDue(
        year=year,
        month=month,
        window_closes_at=row.closes_at,
        units=tuple(
            UnitOwing(
                unit_id=entry.unit_id,
                unit_name=entry.unit_name,
                liaisons=tuple(
                    ContactEvent(
                        person_id=c.id,
                        role="liaison",
                        name=c.name,
                        phone=c.phone,
                        email=c.email,
                        im_id=c.im_id,
                    )
                    for c in contacts
                    if c.unit_id == entry.unit_id
                ),
                project_ids=tuple(entry.project_ids),
            )
            for entry in owing
        ),
    )


async def remind(uow: UnitOfWork, year: int, month: int, unit_ids: Sequence[uuid.UUID] | None) -> ReminderOut:
    """The office's reminder now (一键催报): the same `progress-report-due` event as the scheduled one, through
    the notifier, to the units (of `unit_ids`, when given) that owe reports; none is written when none owe."""
    row = await ensure_month(uow, year, month)
    if state_of(row, uow.clock.now()) not in ("open", "closed"):
        raise NothingToRemind(f"{year}-{month:02d} is {state_of(row, uow.clock.now())}.")
    event = await due_reminder(uow, year, month, unit_ids)
    if event is not None:
        await uow.outbox.publish(uow.session, event, key=f"{year}-{month:02d}")
    reminded = [
        OwingUnitOut(unit_id=unit.unit_id, unit_name=unit.unit_name, project_ids=list(unit.project_ids))
        for unit in (event.units if event else ())
    ]
    return ReminderOut(year=year, month=month, reminded=reminded)


async def month_figures(uow: UnitOfWork, year: int, month: int) -> MonthFiguresOut:
    months = ReportingRepository(uow.session)
    frozen = await is_frozen(uow, year, month)
    rows = await (months.frozen_figures(year, month) if frozen else months.live_figures(year, month))
    return MonthFiguresOut(
        year=year,
        month=month,
        frozen=frozen,
        items=[MonthFigureOut.model_validate(row, from_attributes=True) for row in rows],
    )
