"""Rules of the Notification, Agenda, Waiting and ReportNotifications aggregates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from notification.domain.agenda import Agenda
from notification.domain.errors import NotificationFinished, UnknownDeliveryStatus
from notification.domain.notification import (
    ACCEPTED,
    DELIVERED,
    FAILED,
    GIVEN_UP,
    REQUESTED,
    RETRIED,
    SENT,
    Notification,
)
from notification.domain.report_index import ReportNotifications
from notification.domain.waiting import Waiting

AT = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
LATER = AT + timedelta(minutes=5)


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


def sent() -> Notification:
    notification = queued()
    notification.dispatch(AT)
    return notification


def test_a_new_notification_is_requested_and_not_yet_sent() -> None:
    notification = queued()
    assert (notification.status, notification.attempt) == (REQUESTED, 0)


def test_dispatching_sends_the_first_attempt() -> None:
    notification = sent()
    assert (notification.status, notification.attempt) == (SENT, 1)


def test_a_delivered_report_marks_the_notification_delivered() -> None:
    notification = sent()
    notification.report_delivery(DELIVERED, "", LATER)
    assert (notification.status, notification.status_at) == (DELIVERED, LATER)


def test_the_same_delivery_report_twice_is_recorded_once() -> None:
    notification = sent()
    notification.report_delivery(ACCEPTED, "", LATER)
    notification.report_delivery(ACCEPTED, "", LATER)
    assert len(notification.collect_events()) == 2  # dispatched, accepted


def test_a_late_accepted_report_does_not_undo_delivery() -> None:
    notification = sent()
    notification.report_delivery(DELIVERED, "", LATER)
    notification.report_delivery(ACCEPTED, "", LATER)
    assert notification.status == DELIVERED


def test_a_report_about_an_earlier_attempt_changes_nothing() -> None:
    notification = sent()
    notification.fail("timeout", LATER, LATER + timedelta(minutes=1))
    notification.dispatch(LATER + timedelta(minutes=1))
    notification.report_delivery(ACCEPTED, "", LATER, attempt=1)
    assert (notification.status, notification.attempt) == (RETRIED, 2)


def test_a_failure_with_a_retry_time_waits_for_the_retry() -> None:
    notification = sent()
    gave_up = notification.fail("550 mailbox full", LATER, LATER + timedelta(minutes=1))
    assert (gave_up, notification.status, notification.retry_at) == (
        False,
        FAILED,
        LATER + timedelta(minutes=1),
    )


def test_a_failure_without_a_retry_time_gives_up() -> None:
    notification = sent()
    assert notification.fail("550 mailbox full", LATER, None) is True
    assert notification.status == GIVEN_UP


def test_a_given_up_notification_is_never_sent_again() -> None:
    notification = sent()
    notification.fail("550", LATER, None)
    with pytest.raises(NotificationFinished):
        notification.dispatch(LATER)


def test_each_attempt_keeps_its_outcome() -> None:
    notification = sent()
    notification.fail("421 busy", LATER, LATER)
    notification.dispatch(LATER)
    notification.report_delivery(ACCEPTED, "250 ok", LATER)
    assert [(a["attempt"], a["status"]) for a in notification.attempts] == [
        (1, FAILED),
        (2, ACCEPTED),
    ]


def test_requested_is_not_a_status_an_adapter_can_report() -> None:
    with pytest.raises(UnknownDeliveryStatus):
        sent().report_delivery(REQUESTED, "", LATER)


def test_the_report_index_remembers_a_notification_once() -> None:
    index = ReportNotifications(id=uuid4(), report_id=uuid4(), tracking_id="LPR-7K3QX9MD")
    nid = uuid4()
    index.add(nid)
    index.add(nid)
    assert index.notification_ids == [nid]


def test_the_agenda_gives_what_is_due_earliest_first() -> None:
    agenda = Agenda(id=uuid4())
    first, second, later = uuid4(), uuid4(), uuid4()
    agenda.plan(second, AT + timedelta(minutes=2))
    agenda.plan(first, AT + timedelta(minutes=1))
    agenda.plan(later, AT + timedelta(hours=1))
    assert agenda.due_by(AT + timedelta(minutes=3)) == [first, second]


def test_a_report_that_leaves_the_queue_is_not_overdue() -> None:
    waiting = Waiting(id=uuid4())
    waiting.wait("LPR-7K3QX9MD", uuid4(), "triage", "low-confidence", AT)
    waiting.move("LPR-7K3QX9MD")
    assert waiting.overdue(AT + timedelta(days=1), timedelta(hours=1)) == []


def test_a_report_waiting_too_long_is_overdue_once() -> None:
    waiting = Waiting(id=uuid4())
    waiting.wait("LPR-7K3QX9MD", uuid4(), "held", "flood", AT)
    assert waiting.overdue(AT + timedelta(hours=2), timedelta(hours=1)) == ["LPR-7K3QX9MD"]
    waiting.alerted("LPR-7K3QX9MD")
    assert waiting.overdue(AT + timedelta(hours=3), timedelta(hours=1)) == []
