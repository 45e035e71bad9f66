"""Retries with backoff, giving up, one message per trigger, quiet hours, the admin's digest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import Tracking

from notification.application.scheduler import Scheduler
from notification.application.service import NotificationApplication, notification_id
from shared import topics
from shared.clock import WITA, FixedClock
from shared.contracts import (
    CaseAwaitingTriage,
    CaseDisposed,
    CaseEvent,
    CaseHeld,
    CaseOpened,
    CaseStatusRequested,
    Channel,
    DeliveryReported,
    DeliveryStatus,
    OutboundMessage,
)
from shared.messaging.deadletter import SourceRecord
from shared.messaging.relay import Outgoing
from shared.processing import Delivery

MakeCase = Callable[..., CaseEvent]
Process = Callable[..., Any]
Published = Callable[[], list[Outgoing]]
ADMIN_MAILBOX = "setda-humas@banjarmasinkota.go.id"


class Weekdays:
    """Monday to Friday are working days; no holidays."""

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5


@dataclass
class World:
    """The application on in-memory persistence, its scheduler and clock, and the test helpers."""

    app: NotificationApplication
    make_case: MakeCase
    process: Process
    published: Published
    scheduler: Scheduler
    clock: FixedClock


@pytest.fixture
def w(
    app: NotificationApplication,
    make_case: MakeCase,
    process: Process,
    published: Published,
    clock: FixedClock,
) -> World:
    return World(app, make_case, process, published, Scheduler(app, Weekdays()), clock)


def messages(published: Published) -> list[OutboundMessage]:
    return [out.event for out in published() if isinstance(out.event, OutboundMessage)]


def wita(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=WITA).astimezone(UTC)


def emailed(make_case: MakeCase, process: Process) -> tuple[CaseEvent, UUID]:
    """A report received by an e-mail reporter, and the notification id of its message."""
    event = make_case(CaseOpened, channel=Channel.EMAIL)
    process(event)
    return event, notification_id(event.event_id)


def failed(
    nid: UUID, at: datetime, attempt: int | None = None, final: bool = False
) -> DeliveryReported:
    return DeliveryReported(
        occurred_at=at,
        notification_id=nid,
        channel=Channel.EMAIL,
        status=DeliveryStatus.FAILED,
        detail="vault 403 opted-out" if final else "421 4.7.0 coba lagi nanti",
        attempt=attempt,
        final=final,
    )


def test_a_failed_delivery_is_sent_again_after_the_backoff_with_the_next_attempt(w: World) -> None:
    _, nid = emailed(w.make_case, w.process)
    w.process(failed(nid, w.clock.now()), topic=topics.DELIVERY)
    w.scheduler.tick()
    assert len(messages(w.published)) == 1  # not before the backoff
    w.clock.advance(timedelta(seconds=60))
    w.scheduler.tick()
    first, retry = messages(w.published)
    assert (retry.notification_id, retry.attempt, retry.text) == (nid, 2, first.text)


def test_the_backoff_doubles_between_attempts(w: World) -> None:
    event, nid = emailed(w.make_case, w.process)
    delays = []
    for _ in range(2):
        w.process(failed(nid, w.clock.now()), topic=topics.DELIVERY)
        (message,) = w.app.messages_for(event.tracking_id)
        assert message.retry_at is not None
        delays.append(message.retry_at - w.clock.now())
        w.clock.set(message.retry_at)
        w.scheduler.tick()
    assert delays == [timedelta(minutes=1), timedelta(minutes=2)]


def test_after_the_last_attempt_it_gives_up_and_tells_the_admin(w: World) -> None:
    event, nid = emailed(w.make_case, w.process)
    for _ in range(4):
        w.process(failed(nid, w.clock.now()), topic=topics.DELIVERY)
        w.clock.advance(timedelta(hours=1))
        w.scheduler.tick()
    mine = [m for m in messages(w.published) if m.notification_id == nid]
    (alert,) = [m for m in messages(w.published) if m.template == "admin_gave_up"]
    statuses = {m.notification_id: m.status for m in w.app.messages_for(event.tracking_id)}
    assert [m.attempt for m in mine] == [1, 2, 3, 4]
    assert statuses[nid] == "given-up"
    assert alert.recipient.address == ADMIN_MAILBOX and event.tracking_id in alert.subject
    assert [m.notification_id for m in w.app.delivery_problems()] == [nid]


def test_a_final_failure_gives_up_at_once_and_tells_the_admin(w: World) -> None:
    event, nid = emailed(w.make_case, w.process)
    w.process(failed(nid, w.clock.now(), attempt=1, final=True), topic=topics.DELIVERY)
    w.clock.advance(timedelta(days=1))
    w.scheduler.tick()
    mine = [m for m in messages(w.published) if m.notification_id == nid]
    (alert,) = [m for m in messages(w.published) if m.template == "admin_gave_up"]
    (message,) = [m for m in w.app.messages_for(event.tracking_id) if m.notification_id == nid]
    assert [m.attempt for m in mine] == [1]  # never sent again
    assert (message.status, message.retry_at) == ("given-up", None)
    assert "opted-out" in alert.text and event.tracking_id in alert.subject
    assert [m.notification_id for m in w.app.delivery_problems()] == [nid]


def test_a_failure_not_marked_final_is_still_retried(w: World) -> None:
    event, nid = emailed(w.make_case, w.process)
    w.process(failed(nid, w.clock.now(), attempt=1, final=False), topic=topics.DELIVERY)
    (message,) = w.app.messages_for(event.tracking_id)
    assert (message.status, message.retry_at) == ("failed", w.clock.now() + timedelta(minutes=1))


def test_a_stale_failure_about_an_earlier_attempt_is_ignored(w: World) -> None:
    event, nid = emailed(w.make_case, w.process)
    w.process(failed(nid, w.clock.now(), attempt=1), topic=topics.DELIVERY)
    w.clock.advance(timedelta(minutes=1))
    w.scheduler.tick()
    w.process(failed(nid, w.clock.now(), attempt=1), topic=topics.DELIVERY)
    (message,) = w.app.messages_for(event.tracking_id)
    assert (message.status, message.attempt) == ("retried", 2)


def test_a_duplicated_trigger_sends_once_to_each_recipient(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    event = make_case(CaseDisposed, skpd_code="PDAM", skpd_name="PDAM")
    process(event)
    process(event)
    process(event, event)
    assert sorted(m.template for m in messages(published)) == ["case_disposed", "skpd_new_report"]


def test_an_sms_due_at_two_in_the_morning_waits_until_the_quiet_hours_end(w: World) -> None:
    w.clock.set(wita(27, 2))
    event = w.make_case(CaseDisposed, channel=Channel.SMS, skpd_code="PDAM", skpd_name="PDAM")
    w.process(event)
    assert [m.template for m in messages(w.published)] == ["skpd_new_report"]  # e-mail: no quiet
    w.clock.set(wita(27, 6, 59))
    w.scheduler.tick()
    assert w.app.messages_for(event.tracking_id)[0].status == "requested"
    w.clock.set(wita(27, 7))
    w.scheduler.tick()
    assert [m.template for m in messages(w.published)] == ["skpd_new_report", "case_disposed"]


def test_the_answer_to_the_reporters_own_message_goes_at_once_at_night(
    make_case: MakeCase, process: Process, published: Published, clock: FixedClock
) -> None:
    clock.set(wita(27, 2))
    process(
        make_case(CaseStatusRequested, channel=Channel.SMS),
        make_case(CaseOpened, channel=Channel.WHATSAPP),
    )
    assert sorted(m.template for m in messages(published)) == ["case_opened", "case_status"]


def test_a_report_waiting_past_the_patience_alerts_the_admin_once(w: World) -> None:
    w.clock.set(wita(28, 7))  # a Saturday: no digest to tell apart from the alert
    w.process(w.make_case(CaseAwaitingTriage, reason="low-confidence", occurred_at=w.clock.now()))
    w.clock.advance(timedelta(hours=3, minutes=59))
    w.scheduler.tick()
    assert messages(w.published) == []
    w.clock.advance(timedelta(minutes=1))
    w.scheduler.tick()
    w.scheduler.tick()
    (alert,) = messages(w.published)
    assert (alert.template, alert.recipient.address) == ("admin_waiting", ADMIN_MAILBOX)


def test_a_report_disposed_in_time_raises_no_alert(w: World) -> None:
    w.clock.set(wita(27, 7))
    w.process(w.make_case(CaseAwaitingTriage, reason="low-confidence", occurred_at=w.clock.now()))
    w.process(w.make_case(CaseDisposed, skpd_code="PDAM", skpd_name="PDAM", channel=Channel.EMAIL))
    w.clock.advance(timedelta(hours=5))
    w.scheduler.tick()
    assert "admin_waiting" not in [m.template for m in messages(w.published)]


def test_the_digest_goes_once_each_working_day_at_eight_wita_listing_what_waits(w: World) -> None:
    w.clock.set(wita(26, 16))  # Thursday afternoon
    w.process(
        w.make_case(
            CaseAwaitingTriage,
            tracking_id="LPR-TR1AGE01",
            reason="low-confidence",
            occurred_at=w.clock.now(),
        ),
        w.make_case(
            CaseHeld, tracking_id="LPR-HE1D0001", reason="flood", occurred_at=w.clock.now()
        ),
    )
    w.clock.set(wita(27, 7, 59))
    w.scheduler.tick()
    w.clock.set(wita(27, 8))
    w.scheduler.tick()
    w.scheduler.tick()
    digests = [m for m in messages(w.published) if m.template == "admin_digest"]
    (digest,) = digests
    assert "LPR-TR1AGE01" in digest.text and "LPR-HE1D0001" in digest.text
    assert "2 laporan menunggu" in digest.subject


def test_no_digest_on_a_weekend(w: World) -> None:
    w.clock.set(wita(28, 7))  # Saturday
    w.process(w.make_case(CaseHeld, reason="flood", occurred_at=w.clock.now()))
    w.clock.set(wita(28, 8, 30))
    w.scheduler.tick()
    assert "admin_digest" not in [m.template for m in messages(w.published)]


def test_a_retry_that_gets_through_leaves_the_list_of_problems(w: World) -> None:
    event, nid = emailed(w.make_case, w.process)
    w.process(failed(nid, w.clock.now()), topic=topics.DELIVERY)
    assert [m.status for m in w.app.delivery_problems()] == ["failed"]
    w.clock.advance(timedelta(minutes=1))
    w.scheduler.tick()
    accepted = DeliveryReported(
        occurred_at=w.clock.now(),
        notification_id=nid,
        channel=Channel.EMAIL,
        status=DeliveryStatus.ACCEPTED,
        attempt=2,
    )
    w.process(accepted, topic=topics.DELIVERY)
    assert w.app.delivery_problems() == []
    assert w.app.messages_for(event.tracking_id)[0].status == "accepted"


def test_batches_from_different_partitions_plan_rows_of_one_agenda_and_all_go_out(
    w: World,
) -> None:
    """Two replicas own different partitions: each plan is a row of its own, no race."""
    w.clock.set(wita(27, 2))
    events = [w.make_case(CaseDisposed, channel=Channel.SMS) for _ in range(2)]
    for partition, event in enumerate(events):
        source = SourceRecord(topics.CASES, partition, 0, b"k", b"v")
        w.app.process_batch([Delivery(source, event)], Tracking(f"{topics.CASES}:{partition}", 1))
    morning = wita(27, 7)
    planned = w.app.tables.due_by(morning)
    assert len(planned) == 2
    w.clock.set(morning)
    w.scheduler.tick()
    sent = [m for m in messages(w.published) if m.template == "case_disposed"]
    assert sorted(m.tracking_id for m in sent) == sorted(e.tracking_id for e in events)
    assert w.app.tables.due_by(morning) == []
