"""The periodic-job helper: runs again at once while work waits, waits its interval otherwise, backs off on
failure (doubling, capped), and stops when cancelled."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pytest

from gongjian_shared.jobs import PeriodicJob, cancel_and_wait


class Script:
    """A step that answers from a script (True: more waiting, False: done, an exception: a failure), then
    stops the job by cancelling it; the waits it was asked for are recorded instead of slept."""

    def __init__(self, *answers: bool | Exception) -> None:
        self.answers = list(answers)
        self.waits: list[tuple[str, float]] = []
        self.task: asyncio.Task[None] | None = None

    async def step(self) -> bool:
        if not self.answers:
            assert self.task is not None
            self.task.cancel()
            await asyncio.Event().wait()  # cancelled here
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        self.waits.append(("ran", 0.0))
        return answer

    async def wait(self, seconds: float) -> None:
        self.waits.append(("waited", seconds))


async def run(job: PeriodicJob, script: Script) -> None:
    script.task = asyncio.create_task(job())
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(script.task, timeout=5)


async def test_a_job_runs_again_at_once_while_work_waits_and_waits_its_interval_after() -> None:
    script = Script(True, True, False)
    job = PeriodicJob("t", script.step, interval_seconds=7.0, jitter=0.0, wait=script.wait)
    await run(job, script)
    assert script.waits == [("ran", 0.0), ("ran", 0.0), ("ran", 0.0), ("waited", 7.0)]
    assert job.stats.runs == 3 and job.stats.failures == 0


async def test_jitter_lengthens_the_interval_by_at_most_its_share() -> None:
    job = PeriodicJob("t", Script().step, interval_seconds=10.0, jitter=0.2)
    waits = [job.next_interval() for _ in range(200)]
    assert all(10.0 <= wait <= 12.0 for wait in waits)
    assert len(set(waits)) > 1


async def test_failures_back_off_doubling_up_to_the_cap_and_a_success_resets_them(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    slept: list[float] = []

    async def no_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr("gongjian_shared.jobs.asyncio.sleep", no_sleep)
    script = Script(*(RuntimeError(f"down {n}") for n in range(5)), False, RuntimeError("again"), False)
    job = PeriodicJob(
        "relay",
        script.step,
        interval_seconds=1.0,
        jitter=0.0,
        backoff_seconds=0.5,
        max_backoff_seconds=3.0,
        wait=script.wait,
    )
    failures: list[str] = []
    job.on_failure = lambda exc: failures.append(str(exc))
    with caplog.at_level(logging.WARNING, logger="gongjian.jobs"):
        await run(job, script)
    assert slept == [0.5, 1.0, 2.0, 3.0, 3.0, 0.5]
    assert failures == ["down 0", "down 1", "down 2", "down 3", "down 4", "again"]
    assert job.stats.failures == 6 and job.stats.runs == 2 and job.stats.consecutive_failures == 0
    # the first failure of a run of failures carries its traceback, the retries one line each
    tracebacks = [bool(record.exc_info) for record in caplog.records]
    assert tracebacks == [True, False, False, False, False, True]


async def test_cancel_and_wait_names_a_task_that_does_not_stop(caplog: pytest.LogCaptureFixture) -> None:
    release = asyncio.Event()

    async def stubborn() -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(10)
        await release.wait()  # ignores the cancellation until released

    task = asyncio.create_task(stubborn(), name="stubborn")
    await asyncio.sleep(0)
    with caplog.at_level(logging.ERROR, logger="gongjian.jobs"):
        await cancel_and_wait([task], timeout=0.05)
    assert "stubborn did not stop" in caplog.text
    release.set()
    await task


async def test_a_job_told_when_work_falls_due_waits_that_long_but_never_past_its_interval() -> None:
    answers: list[bool | float | None] = [0.25, 30.0, None, True, 2.0]
    waits: list[float] = []
    task: asyncio.Task[None] | None = None

    async def step() -> bool | float | None:
        if not answers:
            assert task is not None
            task.cancel()
            await asyncio.Event().wait()
        return answers.pop(0)

    async def wait(seconds: float) -> None:
        waits.append(seconds)

    job = PeriodicJob("t", step, interval_seconds=7.0, jitter=0.0, wait=wait)
    task = asyncio.create_task(job())
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=5)
    # 0.25 s until due; 30 s is past the interval (7); None the interval; True at once; 2 s until due
    assert waits == [0.25, 7.0, 7.0, 2.0]
