"""When a push may go: urgent at once; the rest on Chinese working days, outside quiet hours (Asia/Shanghai)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from gongjian_notifier.settings import ScheduleSettings, Urgency, in_quiet_hours
from gongjian_shared.clock import SHANGHAI
from gongjian_shared.workdays import is_working_day, next_working_day


def release_time(now: datetime, urgency: Urgency, schedule: ScheduleSettings) -> datetime:
    """The first moment a push of this urgency may go, from `now` on."""
    if urgency == "urgent":
        return now
    local = now.astimezone(SHANGHAI)
    if is_working_day(local.date()) and not in_quiet_hours(
        local.timetz().replace(tzinfo=None), *_quiet(schedule)
    ):
        return now
    # the morning of today when we are before it on a working day, else of the next working day
    candidate = local.date()
    if not (is_working_day(candidate) and local.time() < schedule.release_at):
        candidate = next_working_day(candidate + timedelta(days=1))
    return datetime.combine(candidate, schedule.release_at, tzinfo=SHANGHAI)


def digest_time(now: datetime, schedule: ScheduleSettings) -> datetime:
    """The next daily digest slot at or after `now`: a working day at `digest_at`."""
    local = now.astimezone(SHANGHAI)
    candidate = local.date()
    if not (is_working_day(candidate) and local.time() <= schedule.digest_at):
        candidate = next_working_day(candidate + timedelta(days=1))
    return datetime.combine(candidate, schedule.digest_at, tzinfo=SHANGHAI)


def _quiet(schedule: ScheduleSettings) -> tuple[time, time]:
    return schedule.quiet_start, schedule.quiet_end


def backoff(attempts: int, base_seconds: float, max_seconds: float) -> timedelta:
    """Exponential: base, 2 base, 4 base, ... capped."""
    return timedelta(seconds=min(max_seconds, base_seconds * (2 ** max(0, attempts - 1))))
