"""The Notification aggregate: one message to a reporter about one case event.

Stored events embed this module path and class names: do not move or rename them.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from notification.domain.errors import UnknownDeliveryStatus

PENDING = "pending"
ACCEPTED = "accepted"
DELIVERED = "delivered"
FAILED = "failed"
DELIVERY_STATUSES = (ACCEPTED, DELIVERED, FAILED)


def check_delivery_status(status: str) -> None:
    """Only the statuses an adapter can report are accepted."""
    if status not in DELIVERY_STATUSES:
        raise UnknownDeliveryStatus(status)


class Notification(Aggregate):
    """A rendered message for a reporter's channel, pending until its adapter reports back."""

    class Queued(Aggregate.Created):
        report_id: UUID
        tracking_id: str
        case_event_type: str
        channel: str
        reporter_ref: str
        template: str
        subject: str
        text: str
        queued_at: datetime

    class DeliveryRecorded(Aggregate.Event):
        status: str
        detail: str
        reported_at: datetime

    @event(Queued)
    def __init__(
        self,
        *,
        id: UUID,
        report_id: UUID,
        tracking_id: str,
        case_event_type: str,
        channel: str,
        reporter_ref: str,
        template: str,
        subject: str,
        text: str,
        queued_at: datetime,
    ) -> None:
        self.report_id = report_id
        self.tracking_id = tracking_id
        self.case_event_type = case_event_type
        self.channel = channel
        self.reporter_ref = reporter_ref
        self.template = template
        self.subject = subject
        self.text = text
        self.queued_at = queued_at
        self.status = PENDING
        self.status_detail = ""
        self.status_at: datetime | None = None

    def report_delivery(self, status: str, detail: str, reported_at: datetime) -> None:
        """Record an adapter's report; repeats and reports after delivery change nothing."""
        check_delivery_status(status)
        if status == self.status or self.status == DELIVERED:
            return
        self._record_delivery(status=status, detail=detail, reported_at=reported_at)

    @event(DeliveryRecorded)
    def _record_delivery(self, status: str, detail: str, reported_at: datetime) -> None:
        self.status = status
        self.status_detail = detail
        self.status_at = reported_at
