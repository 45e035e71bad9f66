"""The notification service's aggregates and index tables: finding, creating and reading them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import ProcessRecorder

from notification.application.errors import NoNotificationsForReport
from notification.application.indexes import BatchIndexes, report_key
from notification.application.migration import migrate_indexes, migrate_problems
from notification.application.ports import Indexes
from notification.application.views import SentMessage
from notification.domain.notification import Notification
from shared.processing import BatchProcessApplication

A = TypeVar("A", bound=Aggregate)
PE = ProcessingEvent[UUID]


class NotificationStore(BatchProcessApplication):
    """The aggregates and tables every use case of the service shares, and the queries over
    them."""

    def __init__(self, env: Any, indexes: Callable[[ProcessRecorder], Indexes]) -> None:
        super().__init__(env=env)
        self.tables = indexes(self.recorder)
        migrate_indexes(self, self.tables)
        migrate_problems(self, self.tables)
        self.indexes = BatchIndexes(self.tables)

    def _record(self, processing_event: PE) -> Any:
        """Record the events with the batch's table statements (in memory: the rows after)."""
        recordings = super()._record(processing_event)
        self.tables.after_record(getattr(processing_event, "statements", ()))
        return recordings

    def record_collected(self, pe: PE) -> None:
        """Store what a job (not a Kafka batch) collected, and wake the relay."""
        if pe.events or getattr(pe, "statements", None):
            recordings = self._record(pe)
            self._take_snapshots(pe)
            self._notify(recordings)

    def messages_for(self, tracking_id: str) -> list[SentMessage]:
        """The messages sent for a report, oldest first, with their delivery status."""
        key = report_key(tracking_id)
        ids = self.tables.notification_ids(key)
        if not ids and self.tables.report(key) is None:
            raise NoNotificationsForReport(tracking_id)
        return [SentMessage.of(self.stored(nid, Notification)) for nid in ids]

    def delivery_problems(self) -> list[SentMessage]:
        """Failed (awaiting retry) and given-up messages, oldest first."""
        found = [SentMessage.of(self.stored(nid, Notification)) for nid in self.tables.problems()]
        return sorted(found, key=lambda message: message.queued_at)

    def stored(self, aggregate_id: UUID, cls: type[A]) -> A:
        """An aggregate from the store, of the expected class."""
        found: object = self.repository.get(aggregate_id)
        if not isinstance(found, cls):
            raise TypeError(f"{aggregate_id} is a {type(found).__name__}, not a {cls.__name__}")
        return found
