"""Stored notification events -> the OutboundMessage a channel adapter delivers."""

from __future__ import annotations

from notification.domain.notification import Notification
from shared import topics
from shared.contracts import Channel, OutboundMessage, Recipient
from shared.messaging.relay import Outgoing
from shared.processing import derived_id


def translate(domain_event: object) -> list[Outgoing]:
    """A queued notification goes out on its channel's topic; every other event stays inside."""
    if not isinstance(domain_event, Notification.Queued):
        return []
    channel = Channel(domain_event.channel)
    message = OutboundMessage(
        event_id=derived_id(domain_event.originator_id, domain_event.originator_version, 0),
        occurred_at=domain_event.timestamp,
        report_id=domain_event.report_id,
        tracking_id=domain_event.tracking_id,
        notification_id=domain_event.originator_id,
        channel=channel,
        recipient=Recipient(reporter_ref=domain_event.reporter_ref),
        subject=domain_event.subject,
        text=domain_event.text,
        template=domain_event.template,
    )
    return [Outgoing(topics.outbound_topic(channel), str(domain_event.report_id), message)]
