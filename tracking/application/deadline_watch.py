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
        return sum(self._review(case_id, now) for case_id in due)

    def _review(self, case_id: UUID, now: datetime) -> bool:
        # The consumer holds this lock per batch: no version clash with a message in flight.
        with self._app.processing_lock:
            try:
                case: object = self._app.repository.get(case_id)
            except AggregateNotFoundError:
                return False
            if not isinstance(case, Case):
                return False
            case.review_deadlines(now, self._app.deadlines)
            if not case.pending_events:
                return False
            try:
                self._app.save(case)
            except IntegrityError:  # another replica recorded it first: nothing to do
                return False
        return True

    async def run(self, stopping: asyncio.Event) -> None:
        """Check until told to stop; a failed check is logged and tried again next time."""
        while not stopping.is_set():
            try:
                await asyncio.to_thread(self.check)
            except Exception as error:  # the database is away: the next round tries again
                log.error("deadline-check-failed", error=repr(error))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=self._interval)
