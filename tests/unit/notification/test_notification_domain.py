"""Rules of the Notification and ReportNotifications aggregates."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from notification.domain.errors import UnknownDeliveryStatus
from notification.domain.notification import (
    ACCEPTED,
    DELIVERED,
    FAILED,
    PENDING,
    Notification,
)
from notification.domain.report_index import ReportNotifications

AT = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def queued() -> Notification:
    notification = Notification(
        id=uuid4(),
        report_id=uuid4(),
        tracking_id="LPR-7K3QX9MD",
        case_event_type="CaseOpened",
        channel="sms",
        reporter_ref="rref-0001",
        template="case_opened",
        subject="Laporan LPR-7K3QX9MD telah diterima",
        text="LAPOR! Laporan Anda LPR-7K3QX9MD telah diterima.",
        queued_at=AT,
    )
    notification.collect_events()
    return notification


def test_a_new_notification_is_pending() -> None:
    assert queued().status == PENDING


def test_a_delivered_report_marks_the_notification_delivered() -> None:
    notification = queued()
    notification.report_delivery(DELIVERED, "ok", AT)
    assert (notification.status, notification.status_detail, notification.status_at) == (
        DELIVERED,
        "ok",
        AT,
    )


def test_the_same_delivery_report_twice_is_recorded_once() -> None:
    notification = queued()
    notification.report_delivery(ACCEPTED, "", AT)
    notification.report_delivery(ACCEPTED, "", AT)
    assert len(notification.collect_events()) == 1


def test_a_late_accepted_report_does_not_undo_delivery() -> None:
    notification = queued()
    notification.report_delivery(DELIVERED, "", AT)
    notification.report_delivery(ACCEPTED, "", AT)
    assert notification.status == DELIVERED


def test_a_failed_message_may_still_be_delivered_on_retry() -> None:
    notification = queued()
    notification.report_delivery(FAILED, "timeout", AT)
    notification.report_delivery(DELIVERED, "", AT)
    assert notification.status == DELIVERED


def test_pending_is_not_a_status_an_adapter_can_report() -> None:
    with pytest.raises(UnknownDeliveryStatus):
        queued().report_delivery(PENDING, "", AT)


def test_the_report_index_remembers_a_notification_once() -> None:
    index = ReportNotifications(id=uuid4(), report_id=uuid4(), tracking_id="LPR-7K3QX9MD")
    notification_id = uuid4()
    index.add(notification_id)
    index.add(notification_id)
    assert index.notification_ids == [notification_id]
