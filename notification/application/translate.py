"""Stored notification events -> the OutboundMessage a channel adapter delivers."""

from __future__ import annotations

from uuid import UUID

from notification.domain.notification import Notification
from shared import topics
from shared.contracts import Channel, OutboundMessage, Recipient
from shared.messaging.relay import Outgoing
from shared.processing import derived_id


def translate(domain_event: object) -> list[Outgoing]:
    """Each dispatch (first try or retry) goes out on its channel's topic; the rest stays inside."""
    if not isinstance(domain_event, Notification.Dispatched):
        return []
    sent = domain_event.message
    channel = Channel(sent["channel"])
    recipient = (
        Recipient(address=sent["address"])
        if sent["address"]
        else Recipient(reporter_ref=sent["reporter_ref"])
    )
    message = OutboundMessage(
        event_id=derived_id(domain_event.originator_id, domain_event.originator_version, 0),
        occurred_at=domain_event.at,
        report_id=UUID(sent["report_id"]),
        tracking_id=sent["tracking_id"],
        notification_id=domain_event.originator_id,
        channel=channel,
        recipient=recipient,
        subject=sent["subject"],
        text=sent["text"],
        html=sent["html"],
        template=sent["template"],
        attempt=domain_event.attempt,
    )
    return [Outgoing(topics.outbound_topic(channel), str(message.report_id), message)]
