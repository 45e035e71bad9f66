"""The Waiting aggregate: reports the city admin must act on (triage, held), for digests.

Legacy: stores written before the index tables hold its events; the migration
(`notification/application/migration.py`) reads them once into the tables, and nothing writes it
any more. Stored events embed this module path and class names: do not move or rename them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

TRIAGE = "triage"
HELD = "held"


class Waiting(Aggregate):
    """Reports waiting for the admin, and which digest and alerts were already sent."""

    class Started(Aggregate.Created):
        pass

    class CaseWaiting(Aggregate.Event):
        tracking_id: str
        report_id: UUID
        queue: str
        reason: str
        since: datetime

    class CaseMoved(Aggregate.Event):
        tracking_id: str

    class WaitAlerted(Aggregate.Event):
        tracking_id: str

    class DigestSent(Aggregate.Event):
        day: str

    @event(Started)
    def __init__(self, *, id: UUID) -> None:
        self.cases: dict[str, dict[str, Any]] = {}
        self.last_digest: str | None = None

    def wait(
        self, tracking_id: str, report_id: UUID, queue: str, reason: str, since: datetime
    ) -> None:
        """A report now waits for the admin in a queue (triage or held)."""
        known = self.cases.get(tracking_id)
        if known is not None and known["queue"] == queue:
            return
        self._wait(
            tracking_id=tracking_id, report_id=report_id, queue=queue, reason=reason, since=since
        )

    @event(CaseWaiting)
    def _wait(
        self, tracking_id: str, report_id: UUID, queue: str, reason: str, since: datetime
    ) -> None:
        self.cases[tracking_id] = {
            "report_id": report_id,
            "queue": queue,
            "reason": reason,
            "since": since,
            "alerted": False,
        }

    def move(self, tracking_id: str) -> None:
        """The report left the admin's queues (disposed, archived, closed...)."""
        if tracking_id in self.cases:
            self._move(tracking_id=tracking_id)

    @event(CaseMoved)
    def _move(self, tracking_id: str) -> None:
        self.cases.pop(tracking_id, None)

    def overdue(self, now: datetime, patience: timedelta) -> list[str]:
        """Reports waiting longer than `patience` whose alert has not been sent."""
        return sorted(
            tid
            for tid, case in self.cases.items()
            if not case["alerted"] and case["since"] + patience <= now
        )

    def alerted(self, tracking_id: str) -> None:
        """The admin was told at once about this report."""
        if tracking_id in self.cases and not self.cases[tracking_id]["alerted"]:
            self._alerted(tracking_id=tracking_id)

    @event(WaitAlerted)
    def _alerted(self, tracking_id: str) -> None:
        self.cases[tracking_id]["alerted"] = True

    def digest_due(self, day: str) -> bool:
        """Whether today's digest is still to be sent (and there is something to say)."""
        return bool(self.cases) and self.last_digest != day

    def digest_sent(self, day: str) -> None:
        """Today's digest went out."""
        self._digest_sent(day=day)

    @event(DigestSent)
    def _digest_sent(self, day: str) -> None:
        self.last_digest = day
