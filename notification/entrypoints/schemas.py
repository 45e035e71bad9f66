"""HTTP response schemas of the notification API."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

from notification.application.views import SentMessage


class NotificationPublic(BaseModel):
    """One message sent to the reporter, with its delivery status."""

    notification_id: UUID
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
    def of(cls, message: SentMessage) -> NotificationPublic:
        """The public shape of a sent message (the reporter reference stays inside)."""
        return cls(
            notification_id=message.notification_id,
            case_event_type=message.case_event_type,
            channel=message.channel,
            template=message.template,
            subject=message.subject,
            text=message.text,
            queued_at=message.queued_at,
            status=message.status,
            status_detail=message.status_detail,
            status_at=message.status_at,
        )


class ReportNotificationsPublic(BaseModel):
    """Every message sent for one report, oldest first."""

    tracking_id: str
    notifications: list[NotificationPublic]
