"""Stored notification events -> the OutboundMessage a channel adapter delivers."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from notification.domain.notification import Notification
from shared import topics
from shared.contracts import Channel, OutboundMessage, Recipient
from shared.messaging.relay import Outgoing
from shared.processing import derived_id


def translate(domain_event: object) -> list[Outgoing]:
    """Each sending (sent at once, a planned send or a retry) goes out on its channel's topic;
    the rest stays inside."""
    if isinstance(domain_event, Notification.Sent) and domain_event.sent_at is not None:
        return [_outgoing(domain_event, _message_of(domain_event), 1, domain_event.sent_at)]
    if isinstance(domain_event, Notification.Dispatched):
        message, attempt = domain_event.message, domain_event.attempt
        return [_outgoing(domain_event, message, attempt, domain_event.at)]
    return []


def _message_of(sent: Notification.Sent) -> dict[str, Any]:
    return {
        "report_id": str(sent.report_id),
        "tracking_id": sent.tracking_id,
        "channel": sent.channel,
        "reporter_ref": sent.reporter_ref,
        "address": sent.address,
        "subject": sent.subject,
        "text": sent.text,
        "html": sent.html,
        "template": sent.template,
    }


def _outgoing(
    domain_event: Notification.Event, sent: dict[str, Any], attempt: int, at: datetime
) -> Outgoing:
    channel = Channel(sent["channel"])
    recipient = (
        Recipient(address=sent["address"])
        if sent["address"]
        else Recipient(reporter_ref=sent["reporter_ref"])
    )
    message = OutboundMessage(
        event_id=derived_id(domain_event.originator_id, domain_event.originator_version, 0),
        occurred_at=at,
        report_id=UUID(sent["report_id"]),
        tracking_id=sent["tracking_id"],
        notification_id=domain_event.originator_id,
        channel=channel,
        recipient=recipient,
        subject=sent["subject"],
        text=sent["text"],
        html=sent["html"],
        template=sent["template"],
        attempt=attempt,
    )
    return Outgoing(topics.outbound_topic(channel), str(message.report_id), message)
