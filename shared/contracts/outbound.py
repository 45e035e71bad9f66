"""What notification publishes to adapters, and what adapters report back."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from shared.contracts.base import Contract, FreeText, Identifier, IntegrationEvent, ReportEvent
from shared.contracts.intake import Channel


class Recipient(Contract):
    """Either a pseudonymous reporter (resolved through intake's vault) or a plain address."""

    reporter_ref: Identifier | None = None
    address: FreeText | None = None


class OutboundMessage(ReportEvent):
    """A rendered message for one channel adapter to deliver."""

    event_type: ClassVar[str] = "OutboundMessage"
    notification_id: UUID
    channel: Channel
    recipient: Recipient
    subject: FreeText
    text: FreeText
    template: Identifier


class DeliveryStatus(StrEnum):
    """What the adapter could do with an outbound message."""

    ACCEPTED = "accepted"
    DELIVERED = "delivered"
    FAILED = "failed"


class DeliveryReported(IntegrationEvent):
    """An adapter's report on one outbound message (key: notification id)."""

    event_type: ClassVar[str] = "DeliveryReported"
    notification_id: UUID
    channel: Channel
    status: DeliveryStatus
    detail: FreeText = ""
