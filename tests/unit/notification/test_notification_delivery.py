"""Delivery reports from channel adapters update the notification they name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from notification.application.service import NotificationApplication, notification_id
from shared import topics
from shared.contracts import (
    CaseEvent,
    CaseOpened,
    Channel,
    DeliveryReported,
    DeliveryStatus,
    GatewayStatus,
)

MakeCase = Callable[..., CaseEvent]
Process = Callable[..., Any]
AT = datetime(2026, 11, 27, 9, 5, tzinfo=UTC)


def delivery(nid: UUID, status: DeliveryStatus, detail: str = "") -> DeliveryReported:
    return DeliveryReported(
        occurred_at=AT, notification_id=nid, channel=Channel.SMS, status=status, detail=detail
    )


def test_a_delivery_report_marks_the_notification_delivered(
    app: NotificationApplication, make_case: MakeCase, process: Process
) -> None:
    event = make_case(CaseOpened)
    process(event)
    process(
        delivery(notification_id(event.event_id), DeliveryStatus.DELIVERED), topic=topics.DELIVERY
    )
    (message,) = app.messages_for(event.tracking_id)
    assert (message.status, message.status_at) == ("delivered", AT)


def test_a_failed_delivery_keeps_the_adapter_detail(
    app: NotificationApplication, make_case: MakeCase, process: Process
) -> None:
    event = make_case(CaseOpened)
    process(event)
    report = delivery(notification_id(event.event_id), DeliveryStatus.FAILED, "nomor tidak aktif")
    process(report, topic=topics.DELIVERY)
    (message,) = app.messages_for(event.tracking_id)
    assert (message.status, message.status_detail) == ("failed", "nomor tidak aktif")


def test_a_delivery_report_for_an_unknown_notification_is_rejected(process: Process) -> None:
    report = delivery(uuid4(), DeliveryStatus.DELIVERED)
    ((rejected, rejection),) = process(report, topic=topics.DELIVERY)
    assert (rejected, rejection.reason) == (report, "unknown-notification")


def test_a_rejected_delivery_report_does_not_stop_the_rest_of_the_batch(
    app: NotificationApplication, make_case: MakeCase, process: Process
) -> None:
    event = make_case(CaseOpened)
    process(event)
    known = delivery(notification_id(event.event_id), DeliveryStatus.ACCEPTED)
    process(delivery(uuid4(), DeliveryStatus.DELIVERED), known, topic=topics.DELIVERY)
    assert app.messages_for(event.tracking_id)[0].status == "accepted"


def test_a_new_message_is_sent_at_once_in_office_hours(
    app: NotificationApplication, make_case: MakeCase, process: Process
) -> None:
    event = make_case(CaseOpened)
    process(event)
    assert app.messages_for(event.tracking_id)[0].status == "sent"


def test_a_message_sent_at_once_is_recorded_as_one_event(
    app: NotificationApplication, make_case: MakeCase, process: Process
) -> None:
    event = make_case(CaseOpened)
    process(event)
    stored = app.recorder.select_events(notification_id(event.event_id))
    assert [item.topic.rsplit(":", 1)[1] for item in stored] == ["Notification.Sent"]


def test_a_message_sent_at_once_publishes_its_first_attempt(
    make_case: MakeCase, process: Process, published: Callable[[], list[Any]]
) -> None:
    event = make_case(CaseOpened)
    process(event)
    (out,) = published()
    assert (out.event.notification_id, out.event.attempt) == (notification_id(event.event_id), 1)


@pytest.mark.parametrize(
    ("gateway", "status"),
    [
        (GatewayStatus.BUFFERED, "accepted"),
        (GatewayStatus.SENT, "accepted"),
        (GatewayStatus.DELIVERED, "delivered"),
        (GatewayStatus.READ, "delivered"),
    ],
)
def test_a_gateways_word_counts_as_on_its_way_or_delivered(
    app: NotificationApplication,
    make_case: MakeCase,
    process: Process,
    gateway: GatewayStatus,
    status: str,
) -> None:
    event = make_case(CaseOpened)
    process(event)
    nid = notification_id(event.event_id)
    report = DeliveryReported.from_gateway(
        gateway, occurred_at=AT, notification_id=nid, channel=Channel.SMS, attempt=1
    )
    process(report, topic=topics.DELIVERY)
    (message,) = app.messages_for(event.tracking_id)
    assert (message.status, message.status_detail) == (status, gateway.value)
