"""What the HTTP API shows of a notification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from notification.domain.notification import Notification


@dataclass(frozen=True)
class SentMessage:
    """One message sent for a report, and how its delivery went."""

    notification_id: UUID
    tracking_id: str
    case_event_type: str
    channel: str
    template: str
    subject: str
    text: str
    queued_at: datetime
    status: str
    status_detail: str
    status_at: datetime | None

    @classmethod
    def of(cls, notification: Notification) -> SentMessage:
        """The view of one notification aggregate."""
        return cls(
            notification_id=notification.id,
            tracking_id=notification.tracking_id,
            case_event_type=notification.case_event_type,
            channel=notification.channel,
            template=notification.template,
            subject=notification.subject,
            text=notification.text,
            queued_at=notification.queued_at,
            status=notification.status,
            status_detail=notification.status_detail,
            status_at=notification.status_at,
        )
