"""Which report a tracking id names, as one batch sees it: the table plus the batch's own claims.

The consumer asks the policy what it reads before applying it (`wanted`); routing notes each
report's tracking id then and reads every noted id in one query when the policy meets the first.
Before F3 the index was an aggregate per tracking id: `migrate_tracking_ids` moves those once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol
from uuid import UUID
from weakref import WeakKeyDictionary

from eventsourcing.application import Application, ProcessingEvent

from routing.domain.tracking_index import TrackingIdEntry
from shared.processing import Batch, Rejection, Statement
from shared.tables import Database, stored_events

MIGRATION = "f3-tracking-id-table"


class TrackingIdTable(Protocol):
    """The stored index: reads, and statements a batch runs in its transaction."""

    db: Database  # the event store's own database (routing's other tables live there too)

    def reports_with(self, tracking_ids: Iterable[str]) -> dict[str, UUID]: ...

    def claim(self, tracking_id: str, report_id: UUID) -> Statement: ...

    def run(self, statements: Sequence[Statement]) -> None: ...

    def after_record(self, statements: Sequence[Statement]) -> None: ...

    def migrated(self, name: str) -> bool: ...

    def mark_migrated(self, name: str) -> Statement: ...


class BatchTrackingIds:
    """Claims of tracking ids within a batch, read for the whole batch in one query."""

    def __init__(self, table: TrackingIdTable) -> None:
        self.table = table
        self._expected: set[str] = set()
        self._known: WeakKeyDictionary[ProcessingEvent[UUID], dict[str, UUID | None]] = (
            WeakKeyDictionary()
        )

    def expect(self, tracking_id: str) -> None:
        """Note a tracking id the policy will claim in this batch."""
        self._expected.add(tracking_id)

    def claim(self, batch: ProcessingEvent[UUID], tracking_id: str, report_id: UUID) -> None:
        """Index the id for this report; a report reusing another's id is refused."""
        known = self._known.setdefault(batch, {})
        if tracking_id not in known:
            wanted = {tracking_id, *self._expected} - known.keys()
            self._expected.clear()
            found = self.table.reports_with(wanted)
            known.update((t, found.get(t)) for t in wanted)
        holder = known[tracking_id]
        if holder is not None and holder != report_id:
            raise Rejection("duplicate-tracking-id", f"{tracking_id} already names report {holder}")
        if holder is None:
            if not isinstance(batch, Batch):
                raise TypeError("routing records its tracking ids only within a Batch")
            batch.also_run(*self.table.claim(tracking_id, report_id))
            known[tracking_id] = report_id

    def report_with(self, tracking_id: str) -> UUID | None:
        """The report a stored tracking id names."""
        return self.table.reports_with([tracking_id]).get(tracking_id)


def migrate_tracking_ids(app: Application, table: TrackingIdTable) -> int:
    """Write the old index aggregates as rows, unless done before; how many were written."""
    if table.migrated(MIGRATION):
        return 0
    claims = [
        table.claim(registered.tracking_id, registered.report_id)
        for registered in stored_events(app, TrackingIdEntry, "Registered")
    ]
    table.run([*claims, table.mark_migrated(MIGRATION)])
    return len(claims)
