"""What notification publishes to adapters, and what adapters report back."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from pydantic import Field

from shared.contracts.base import Contract, FreeText, Identifier, IntegrationEvent, ReportEvent
from shared.contracts.intake import Channel

STATUS_LINK_MARK = "[[tautan-status]]"
"""Where a reporter's message shows their personal status link. The link carries a secret that
never travels on a topic: the adapter that delivers the message asks intake's vault for it (as it
asks for the address) and fills it in with `with_status_link`."""

NO_STATUS_LINK = "(tautan tidak tersedia; cek status dengan nomor pelacakan)"


def with_status_link(text: str, link: str | None) -> str:
    """The text with the reporter's status link filled in, or a plain hint where there is none."""
    return text.replace(STATUS_LINK_MARK, link or NO_STATUS_LINK)


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


class GatewayStatus(StrEnum):
    """What a gateway said, finer than `DeliveryStatus` (Kannel's delivery reports, WhatsApp's
    status webhooks). Each maps onto one `DeliveryStatus`, which older readers act on."""

    ACCEPTED = "accepted"  # the gateway took it (Kannel: SMSC accepted)
    SENT = "sent"  # on its way to the handset (WhatsApp: sent)
    BUFFERED = "buffered"  # the operator holds it until the handset is reachable
    DELIVERED = "delivered"  # on the handset
    READ = "read"  # the reporter opened it (WhatsApp)
    FAILED = "failed"  # refused or undeliverable

    @property
    def delivery_status(self) -> DeliveryStatus:
        """The coarse status a reader of version 2 understands."""
        if self in (GatewayStatus.DELIVERED, GatewayStatus.READ):
            return DeliveryStatus.DELIVERED
        if self is GatewayStatus.FAILED:
            return DeliveryStatus.FAILED
        return DeliveryStatus.ACCEPTED


class DeliveryReported(IntegrationEvent):
    """An adapter's report on one outbound message (key: notification id).

    Version 2 adds `attempt`; version 3 adds `gateway_status`, the gateway's finer word (buffered,
    sent, read…), while `status` keeps the coarse one so that version 2 readers still act on it,
    and `final` (on a failed report): retrying cannot help (the vault refused: opted out, daily
    cap, erased, unknown; or the gateway refused for good), so notification gives up at once.
    Readers that do not know `final` retry as before.
    """

    event_type: ClassVar[str] = "DeliveryReported"
    schema_version: ClassVar[int] = 3
    notification_id: UUID
    channel: Channel
    status: DeliveryStatus
    detail: FreeText = ""
    attempt: int | None = Field(default=None, ge=1)  # which try this reports on; None: the latest
    gateway_status: GatewayStatus | None = None
    final: bool = False  # a failure that retrying cannot help

    @classmethod
    def from_gateway(cls, status: GatewayStatus, **fields: Any) -> DeliveryReported:
        """A report whose coarse status follows from the gateway's word."""
        return cls(status=status.delivery_status, gateway_status=status, **fields)
