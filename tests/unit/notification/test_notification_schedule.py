"""Retries with backoff, giving up, one message per trigger, quiet hours, the admin's digest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

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
from shared.messaging.relay import Outgoing

MakeCase = Callable[..., CaseEvent]
Process = Callable[..., Any]
Published = Callable[[], list[Outgoing]]
ADMIN_MAILBOX = "setda-humas@banjarmasinkota.go.id"


class Weekdays:
    """Monday to Friday are working days; no holidays."""

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5


@pytest.fixture
def scheduler(app: NotificationApplication) -> Scheduler:
    return Scheduler(app, Weekdays())


def messages(published: Published) -> list[OutboundMessage]:
    return [out.event for out in published() if isinstance(out.event, OutboundMessage)]


def wita(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=WITA).astimezone(UTC)


def failed(nid: UUID, at: datetime, attempt: int | None = None) -> DeliveryReported:
    return DeliveryReported(
        occurred_at=at,
        notification_id=nid,
        channel=Channel.EMAIL,
        status=DeliveryStatus.FAILED,
        detail="421 4.7.0 coba lagi nanti",
        attempt=attempt,
    )


def test_a_failed_delivery_is_sent_again_after_the_backoff_with_the_next_attempt(
    make_case: MakeCase,
    process: Process,
    published: Published,
    scheduler: Scheduler,
    clock: FixedClock,
) -> None:
    event = make_case(CaseOpened, channel=Channel.EMAIL)
    process(event)
    nid = notification_id(event.event_id)
    process(failed(nid, clock.now()), topic=topics.DELIVERY)
    scheduler.tick()
    assert len(messages(published)) == 1  # not before the backoff
    clock.advance(timedelta(seconds=60))
    scheduler.tick()
    first, retry = messages(published)
    assert (retry.notification_id, retry.attempt, retry.text) == (nid, 2, first.text)


def test_the_backoff_doubles_between_attempts(
    app: NotificationApplication,
    make_case: MakeCase,
    process: Process,
    scheduler: Scheduler,
    clock: FixedClock,
) -> None:
    event = make_case(CaseOpened, channel=Channel.EMAIL)
    process(event)
    nid = notification_id(event.event_id)
    delays = []
    for _ in range(2):
        process(failed(nid, clock.now()), topic=topics.DELIVERY)
        (message,) = app.messages_for(event.tracking_id)
        assert message.retry_at is not None
        delays.append(message.retry_at - clock.now())
        clock.set(message.retry_at)
        scheduler.tick()
    assert delays == [timedelta(minutes=1), timedelta(minutes=2)]


def test_after_the_last_attempt_it_gives_up_and_tells_the_admin(
    app: NotificationApplication,
    make_case: MakeCase,
    process: Process,
    published: Published,
    scheduler: Scheduler,
    clock: FixedClock,
) -> None:
    event = make_case(CaseOpened, channel=Channel.EMAIL)
    process(event)
    nid = notification_id(event.event_id)
    for _ in range(4):
        process(failed(nid, clock.now()), topic=topics.DELIVERY)
        clock.advance(timedelta(hours=1))
        scheduler.tick()
    mine = [m for m in messages(published) if m.notification_id == nid]
    (alert,) = [m for m in messages(published) if m.template == "admin_gave_up"]
    statuses = {m.notification_id: m.status for m in app.messages_for(event.tracking_id)}
    assert [m.attempt for m in mine] == [1, 2, 3, 4]
    assert statuses[nid] == "given-up"
    assert alert.recipient.address == ADMIN_MAILBOX and event.tracking_id in alert.subject
    assert [m.notification_id for m in app.delivery_problems()] == [nid]


def test_a_stale_failure_about_an_earlier_attempt_is_ignored(
    app: NotificationApplication,
    make_case: MakeCase,
    process: Process,
    scheduler: Scheduler,
    clock: FixedClock,
) -> None:
    event = make_case(CaseOpened, channel=Channel.EMAIL)
    process(event)
    nid = notification_id(event.event_id)
    process(failed(nid, clock.now(), attempt=1), topic=topics.DELIVERY)
    clock.advance(timedelta(minutes=1))
    scheduler.tick()
    process(failed(nid, clock.now(), attempt=1), topic=topics.DELIVERY)
    (message,) = app.messages_for(event.tracking_id)
    assert (message.status, message.attempt) == ("retried", 2)


def test_a_duplicated_trigger_sends_once_to_each_recipient(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    event = make_case(CaseDisposed, skpd_code="PDAM", skpd_name="PDAM")
    process(event)
    process(event)
    process(event, event)
    assert sorted(m.template for m in messages(published)) == ["case_disposed", "skpd_new_report"]


def test_an_sms_due_at_two_in_the_morning_waits_until_the_quiet_hours_end(
    app: NotificationApplication,
    make_case: MakeCase,
    process: Process,
    published: Published,
    scheduler: Scheduler,
    clock: FixedClock,
) -> None:
    clock.set(wita(27, 2))
    event = make_case(CaseDisposed, channel=Channel.SMS, skpd_code="PDAM", skpd_name="PDAM")
    process(event)
    assert [m.template for m in messages(published)] == ["skpd_new_report"]  # e-mail: no quiet
    clock.set(wita(27, 6, 59))
    scheduler.tick()
    assert app.messages_for(event.tracking_id)[0].status == "requested"
    clock.set(wita(27, 7))
    scheduler.tick()
    assert [m.template for m in messages(published)] == ["skpd_new_report", "case_disposed"]


def test_the_answer_to_the_reporters_own_message_goes_at_once_at_night(
    make_case: MakeCase, process: Process, published: Published, clock: FixedClock
) -> None:
    clock.set(wita(27, 2))
    process(
        make_case(CaseStatusRequested, channel=Channel.SMS),
        make_case(CaseOpened, channel=Channel.WHATSAPP),
    )
    assert sorted(m.template for m in messages(published)) == ["case_opened", "case_status"]


def test_a_report_waiting_past_the_patience_alerts_the_admin_once(
    make_case: MakeCase,
    process: Process,
    published: Published,
    scheduler: Scheduler,
    clock: FixedClock,
) -> None:
    clock.set(wita(28, 7))  # a Saturday: no digest to tell apart from the alert
    process(make_case(CaseAwaitingTriage, reason="low-confidence", occurred_at=clock.now()))
    clock.advance(timedelta(hours=3, minutes=59))
    scheduler.tick()
    assert messages(published) == []
    clock.advance(timedelta(minutes=1))
    scheduler.tick()
    scheduler.tick()
    (alert,) = messages(published)
    assert (alert.template, alert.recipient.address) == ("admin_waiting", ADMIN_MAILBOX)


def test_a_report_disposed_in_time_raises_no_alert(
    make_case: MakeCase,
    process: Process,
    published: Published,
    scheduler: Scheduler,
    clock: FixedClock,
) -> None:
    clock.set(wita(27, 7))
    process(make_case(CaseAwaitingTriage, reason="low-confidence", occurred_at=clock.now()))
    process(make_case(CaseDisposed, skpd_code="PDAM", skpd_name="PDAM", channel=Channel.EMAIL))
    clock.advance(timedelta(hours=5))
    scheduler.tick()
    assert "admin_waiting" not in [m.template for m in messages(published)]


def test_the_digest_goes_once_each_working_day_at_eight_wita_listing_what_waits(
    make_case: MakeCase,
    process: Process,
    published: Published,
    scheduler: Scheduler,
    clock: FixedClock,
) -> None:
    clock.set(wita(26, 16))  # Thursday afternoon
    process(
        make_case(
            CaseAwaitingTriage,
            tracking_id="LPR-TR1AGE01",
            reason="low-confidence",
            occurred_at=clock.now(),
        ),
        make_case(CaseHeld, tracking_id="LPR-HE1D0001", reason="flood", occurred_at=clock.now()),
    )
    clock.set(wita(27, 7, 59))
    scheduler.tick()
    clock.set(wita(27, 8))
    scheduler.tick()
    scheduler.tick()
    digests = [m for m in messages(published) if m.template == "admin_digest"]
    (digest,) = digests
    assert "LPR-TR1AGE01" in digest.text and "LPR-HE1D0001" in digest.text
    assert "2 laporan menunggu" in digest.subject


def test_no_digest_on_a_weekend(
    make_case: MakeCase,
    process: Process,
    published: Published,
    scheduler: Scheduler,
    clock: FixedClock,
) -> None:
    clock.set(wita(28, 7))  # Saturday
    process(make_case(CaseHeld, reason="flood", occurred_at=clock.now()))
    clock.set(wita(28, 8, 30))
    scheduler.tick()
    assert "admin_digest" not in [m.template for m in messages(published)]
