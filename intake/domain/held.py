"""The admin's queue of held reports (Tertunda): each waits for verify or archive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event


@dataclass(frozen=True)
class Waiting:
    """One held report as the admin sees it in the queue."""

    report_id: str
    tracking_id: str
    since: datetime
    reason: str
    possible_duplicate_of: str | None = None


class HeldQueue(Aggregate):
    """Every held report not yet decided, oldest first."""

    @event("Started")
    def __init__(self, id: UUID) -> None:
        self.waiting: dict[str, dict[str, Any]] = {}  # plain data, so snapshots can store it

    @event("ReportQueued")
    def queue(
        self,
        report_id: str,
        tracking_id: str,
        since: datetime,
        reason: str,
        possible_duplicate_of: str | None,
    ) -> None:
        """A report was held: it waits for the admin."""
        self.waiting[report_id] = {
            "report_id": report_id,
            "tracking_id": tracking_id,
            "since": since,
            "reason": reason,
            "possible_duplicate_of": possible_duplicate_of,
        }

    @event("ReportDecided")
    def release(self, report_id: str, decision: str) -> None:
        """The admin verified or archived it."""
        self.waiting.pop(report_id, None)

    def oldest_first(self) -> list[Waiting]:
        """The queue in the order the admin should work it."""
        found = [Waiting(**w) for w in self.waiting.values()]
        return sorted(found, key=lambda w: (w.since, w.tracking_id))
