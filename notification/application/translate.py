"""Stored notification events -> the OutboundMessage a channel adapter delivers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from notification.domain.notification import Notification
from shared import topics
from shared.contracts import OutboundMessage
from shared.messaging.relay import Outgoing
from shared.processing import derived_id
from shared.text import recorded


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
        "report_id": sent.report_id,
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
    address = sent["address"]
    # the templates' own words and values that kept the text rule where they entered (a test
    # over every template and channel proves the rule would change nothing)
    message = recorded(
        OutboundMessage,
        event_id=derived_id(domain_event.originator_id, domain_event.originator_version, 0),
        occurred_at=at,
        report_id=sent["report_id"],
        tracking_id=sent["tracking_id"],
        notification_id=domain_event.originator_id,
        channel=sent["channel"],
        recipient={"address": address} if address else {"reporter_ref": sent["reporter_ref"]},
        subject=sent["subject"],
        text=sent["text"],
        html=sent["html"],
        template=sent["template"],
        attempt=attempt,
    )
    return Outgoing(topics.outbound_topic(message.channel), str(message.report_id), message)
