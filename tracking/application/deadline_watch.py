"""The deadline watch: every few seconds, record deadlines that are near or missed."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from shared.clock import Clock
from shared.logging import get_logger
from tracking.application.app import TrackingApplication
from tracking.application.views import DueCases
from tracking.domain.case import Case

log = get_logger(__name__)

# Cases saved per transaction by one check (one clash sends the chunk's cases one by one).
_CHUNK = 100


class DeadlineWatch:
    """Checks open cases against the injected clock; each warning is recorded once."""

    def __init__(
        self,
        app: TrackingApplication,
        due_cases: DueCases,
        clock: Clock,
        *,
        interval_seconds: float,
        batch_size: int = 500,
    ) -> None:
        self._app = app
        self._due_cases = due_cases
        self._clock = clock
        self._interval = interval_seconds
        self._batch_size = batch_size

    def check(self) -> int:
        """Review every case the read model says is due; returns how many changed."""
        now = self._clock.now()
        due = self._due_cases.due(now, self._batch_size)
        changed = 0
        for start in range(0, len(due), _CHUNK):
            changed += self._review(due[start : start + _CHUNK], now)
        return changed

    def _review(self, case_ids: list[UUID], now: datetime) -> int:
        """One transaction for a chunk of cases; on a clash, one case at a time."""
        # The consumer holds this lock per batch: no version clash with a message in flight.
        with self._app.processing_lock:
            cases = [case for case in map(self._reviewed, case_ids, [now] * len(case_ids)) if case]
            if not cases:
                return 0
            try:
                self._app.save(*cases)
            except IntegrityError:  # another replica recorded some first: each on its own
                return sum(self._review_alone(case.id, now) for case in cases)
        return len(cases)

    def _review_alone(self, case_id: UUID, now: datetime) -> int:
        case = self._reviewed(case_id, now)
        if case is None:
            return 0
        try:
            self._app.save(case)
        except IntegrityError:
            return 0
        return 1

    def _reviewed(self, case_id: UUID, now: datetime) -> Case | None:
        """The case after its review, if the review recorded anything."""
        try:
            case: object = self._app.repository.get(case_id)
        except AggregateNotFoundError:
            return None
        if not isinstance(case, Case):
            return None
        case.review_deadlines(now, self._app.deadlines)
        return case if case.pending_events else None

    async def run(self, stopping: asyncio.Event) -> None:
        """Check until told to stop; a failed check is logged and tried again next time."""
        while not stopping.is_set():
            try:
                await asyncio.to_thread(self.check)
            except Exception as error:  # the database is away: the next round tries again
                log.error("deadline-check-failed", error=repr(error))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=self._interval)
