"""What the HTTP API shows of a notification."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from notification.domain.notification import Notification


@dataclass(frozen=True)
class SentMessage:
    """One message sent for a report, and how its delivery went, attempt by attempt."""

    notification_id: UUID
    tracking_id: str
    case_event_type: str
    audience: str
    mailbox: str
    channel: str
    template: str
    subject: str
    text: str
    queued_at: datetime
    status: str
    status_detail: str
    status_at: datetime | None
    attempt: int = 0
    attempts: list[dict[str, Any]] = field(default_factory=list)
    retry_at: datetime | None = None

    @classmethod
    def of(cls, notification: Notification) -> SentMessage:
        """The view of one notification aggregate (a reporter's address is never in it)."""
        return cls(
            notification_id=notification.id,
            tracking_id=notification.tracking_id,
            case_event_type=notification.case_event_type,
            audience=notification.audience,
            mailbox=notification.address,
            channel=notification.channel,
            template=notification.template,
            subject=notification.subject,
            text=notification.text,
            queued_at=notification.queued_at,
            status=notification.status,
            status_detail=notification.status_detail,
            status_at=notification.status_at,
            attempt=notification.attempt,
            attempts=[dict(a) for a in notification.attempts],
            retry_at=notification.retry_at,
        )
