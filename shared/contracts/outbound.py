"""What notification publishes to adapters, and what adapters report back."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from shared.contracts.base import Contract, FreeText, Identifier, IntegrationEvent, ReportEvent
from shared.contracts.intake import Channel


class Recipient(Contract):
    """Either a pseudonymous reporter (resolved through intake's vault) or a plain address."""

    reporter_ref: Identifier | None = None
    address: FreeText | None = None


class OutboundMessage(ReportEvent):
    """A rendered message for one channel adapter to deliver.

    Version 2 adds `html` (the HTML part of an e-mail; empty elsewhere) and `attempt` (1 for the
    first try; a retry re-publishes the same `notification_id` with the next number).
    """

    event_type: ClassVar[str] = "OutboundMessage"
    schema_version: ClassVar[int] = 2
    notification_id: UUID
    channel: Channel
    recipient: Recipient
    subject: FreeText
    text: FreeText
    template: Identifier
    html: FreeText = ""
    attempt: int = Field(default=1, ge=1)


class DeliveryStatus(StrEnum):
    """What the adapter could do with an outbound message."""

    ACCEPTED = "accepted"
    DELIVERED = "delivered"
    FAILED = "failed"


class DeliveryReported(IntegrationEvent):
    """An adapter's report on one outbound message (key: notification id); v2 adds `attempt`."""

    event_type: ClassVar[str] = "DeliveryReported"
    schema_version: ClassVar[int] = 2
    notification_id: UUID
    channel: Channel
    status: DeliveryStatus
    detail: FreeText = ""
    attempt: int | None = Field(default=None, ge=1)  # which try this reports on; None: the latest
