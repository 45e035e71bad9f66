"""The deadline watch: near and missed deadlines, recorded once, on the injected clock."""

from __future__ import annotations

import asyncio

from tracking_helpers import REPORTS, Feed, FixedClock, Report, at_wita

from shared.contracts import DeadlineMissed
from tracking.bootstrap import TrackingParts

VERIFY_DUE = at_wita(2024, 8, 15, 9, 0)  # three working days after Monday 12 August, 09:00


def _received(feed: Feed, parts: TrackingParts) -> None:
    feed.send(REPORTS, Report().received())
    parts.projector.catch_up()


def test_nothing_is_recorded_before_the_warning(
    parts: TrackingParts, feed: Feed, clock: FixedClock
) -> None:
    _received(feed, parts)
    clock.set(at_wita(2024, 8, 14, 8, 59))
    assert parts.watch.check() == 0


def test_deadline_approaching_one_working_day_before(
    parts: TrackingParts, feed: Feed, clock: FixedClock
) -> None:
    _received(feed, parts)
    clock.set(at_wita(2024, 8, 14, 9, 30))
    parts.watch.check()
    assert feed.types() == ["CaseOpened", "DeadlineApproaching"]


def test_deadline_missed_is_recorded_once_after_the_clock_passes_due(
    parts: TrackingParts, feed: Feed, clock: FixedClock
) -> None:
    _received(feed, parts)
    clock.set(at_wita(2024, 8, 15, 9, 1))
    parts.watch.check()
    parts.watch.check()  # before the read model knows: the case itself refuses a second one
    parts.projector.catch_up()
    parts.watch.check()
    assert feed.types() == ["CaseOpened", "DeadlineMissed"]


def test_deadline_missed_carries_the_deadline_and_the_clock_time(
    parts: TrackingParts, feed: Feed, clock: FixedClock
) -> None:
    _received(feed, parts)
    clock.set(at_wita(2024, 8, 16, 7, 0))
    parts.watch.check()
    missed = feed.published()[-1]
    assert isinstance(missed, DeadlineMissed)
    assert (missed.deadline, missed.occurred_at, missed.step) == (
        VERIFY_DUE,
        clock.now(),
        "verifikasi-disposisi",
    )


async def test_background_jobs_record_a_missed_deadline_until_stopped(
    parts: TrackingParts, feed: Feed, clock: FixedClock
) -> None:
    feed.send(REPORTS, Report().received())
    clock.set(at_wita(2024, 8, 20, 9, 0))
    stopping = asyncio.Event()
    jobs = [asyncio.create_task(job(stopping)) for job in (parts.projector.run, parts.watch.run)]
    async with asyncio.timeout(10):
        while "DeadlineMissed" not in feed.types():
            await asyncio.sleep(0.01)
    stopping.set()
    await asyncio.wait_for(asyncio.gather(*jobs), timeout=10)
    assert all(job.done() for job in jobs)
