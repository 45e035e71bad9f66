"""HTTP response schemas of the notification API."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

from notification.application.views import SentMessage


class AttemptPublic(BaseModel):
    """One try at delivering a message."""

    attempt: int
    sent_at: datetime
    status: str
    detail: str = ""
    at: datetime | None = None


class NotificationPublic(BaseModel):
    """One message: to whom (never a reporter's address), and whether it arrived."""

    notification_id: UUID
    tracking_id: str
    case_event_type: str
    audience: str
    mailbox: str | None
    channel: str
    template: str
    subject: str
    text: str
    queued_at: datetime
    status: str
    status_detail: str
    status_at: datetime | None
    attempt: int
    attempts: list[AttemptPublic]
    retry_at: datetime | None

    @classmethod
    def of(cls, message: SentMessage) -> NotificationPublic:
        """The public shape of a sent message (the reporter reference stays inside)."""
        return cls(
            notification_id=message.notification_id,
            tracking_id=message.tracking_id,
            case_event_type=message.case_event_type,
            audience=message.audience,
            mailbox=message.mailbox or None,
            channel=message.channel,
            template=message.template,
            subject=message.subject,
            text=message.text,
            queued_at=message.queued_at,
            status=message.status,
            status_detail=message.status_detail,
            status_at=message.status_at,
            attempt=message.attempt,
            attempts=[AttemptPublic(**a) for a in message.attempts],
            retry_at=message.retry_at,
        )


class ReportNotificationsPublic(BaseModel):
    """Every message sent for one report, oldest first."""

    tracking_id: str
    notifications: list[NotificationPublic]


class DeliveryProblemsPublic(BaseModel):
    """Messages that failed (a retry is planned) or were given up, oldest first."""

    notifications: list[NotificationPublic]
