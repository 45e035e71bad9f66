"""Notification reads every notification, index and queue a batch needs with one query."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import Tracking

from notification.adapters.jinja_renderer import JinjaRenderer
from notification.adapters.tables import SqlIndexes
from notification.application.composer import Composer
from notification.application.scheduler import Scheduler
from notification.application.service import NotificationApplication, notification_id
from notification.bootstrap import mailboxes
from shared.clock import FixedClock
from shared.contracts import (
    CaseAwaitingTriage,
    CaseDisposed,
    CaseEvent,
    CaseLinkedAsDuplicate,
    CaseOpened,
    Channel,
    DeliveryReported,
    DeliveryStatus,
)
from shared.directory import CITY_ADMIN
from tests.preload_app import counting_reads

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
NIGHT = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)  # 02:00 in Banjarmasin: SMS wait till 07:00


class Weekdays:
    def is_working_day(self, day: Any) -> bool:
        return bool(day.weekday() < 5)


def notification(database: Path, clock: FixedClock | None = None) -> NotificationApplication:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(database)}
    composer = Composer(JinjaRenderer(), mailboxes(), CITY_ADMIN)
    clock = clock or FixedClock(NOW)
    return NotificationApplication(env=env, composer=composer, clock=clock, indexes=SqlIndexes)


def cases(make_case: Callable[..., CaseEvent], n: int) -> list[CaseEvent]:
    tracking_id = f"LPR-{n:08d}"
    return [
        make_case(CaseOpened, tracking_id=tracking_id),
        make_case(CaseAwaitingTriage, tracking_id=tracking_id, reason="tidak jelas"),
        make_case(CaseDisposed, tracking_id=tracking_id, skpd_code="PDAM"),
        make_case(
            CaseLinkedAsDuplicate, tracking_id=f"LPR-9{n:07d}", duplicate_of_tracking_id=tracking_id
        ),
    ]


def delivered(event: CaseEvent) -> DeliveryReported:
    return DeliveryReported(
        occurred_at=NOW,
        notification_id=notification_id(event.event_id),
        channel=Channel.SMS,
        status=DeliveryStatus.FAILED,
        detail="nomor tidak aktif",
    )


@pytest.mark.parametrize("size", [2, 20])
def test_a_notification_batch_reads_the_store_once_whatever_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_case: Any, size: int
) -> None:
    app = notification(tmp_path / "notification.sqlite")
    earlier = [event for n in range(size) for event in cases(make_case, n)]
    app.process_batch(earlier, Tracking("cases:0", 1))
    fresh = [event for n in range(size, 2 * size) for event in cases(make_case, n)]
    reports = [delivered(event) for event in earlier if isinstance(event, CaseOpened)]
    with counting_reads(app, monkeypatch) as reads:
        assert app.process_batch([*fresh, *earlier], Tracking("cases:0", 2)) == []
        assert app.process_batch(reports, Tracking("delivery:0", 1)) == []
    assert (reads.preloads, reads.per_aggregate) == (2 + size, 0)  # + each moving original's
    (message,) = app.messages_for(earlier[0].tracking_id)[:1]
    assert message.status == "failed"


def test_a_tick_reads_no_aggregate_when_nothing_is_due_and_the_due_messages_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_case: Any
) -> None:
    clock = FixedClock(NIGHT)
    app = notification(tmp_path / "tick.sqlite", clock)
    planned = [
        make_case(CaseDisposed, tracking_id=f"LPR-{n:08d}", skpd_code="PDAM") for n in range(6)
    ]
    app.process_batch(planned, Tracking("cases:0", 1))
    scheduler = Scheduler(app, Weekdays())
    with counting_reads(app, monkeypatch) as quiet:
        scheduler.tick()  # nothing due yet
    clock.set(datetime(2026, 11, 27, 23, 0, tzinfo=UTC))  # 07:00 WITA
    with counting_reads(app, monkeypatch) as morning:
        scheduler.tick()
    assert (quiet.preloads, quiet.per_aggregate) == (0, 0)  # the agenda is a table
    assert (morning.preloads, morning.per_aggregate) == (1, 0)
    sent = {m.template: m.status for e in planned for m in app.messages_for(e.tracking_id)}
    assert sent == {"skpd_new_report": "sent", "case_disposed": "sent"}
