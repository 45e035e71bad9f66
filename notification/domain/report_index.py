"""The ReportNotifications aggregate: which notifications one report has had, in order.

Stored events embed this module path and class names: do not move or rename them.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event


class ReportNotifications(Aggregate):
    """The index from a report's tracking id to its notifications."""

    class Started(Aggregate.Created):
        report_id: UUID
        tracking_id: str

    class NotificationAdded(Aggregate.Event):
        notification_id: UUID

    @event(Started)
    def __init__(self, *, id: UUID, report_id: UUID, tracking_id: str) -> None:
        self.report_id = report_id
        self.tracking_id = tracking_id
        self.notification_ids: list[UUID] = []

    def add(self, notification_id: UUID) -> None:
        """Remember a notification once, however often it is added."""
        if notification_id in self.notification_ids:
            return
        self._add(notification_id=notification_id)

    @event(NotificationAdded)
    def _add(self, notification_id: UUID) -> None:
        self.notification_ids.append(notification_id)
