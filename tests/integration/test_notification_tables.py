"""Notification's index tables on both stores: written with a batch's events and position, read
after a restart, a race settled by the version claim, a store from before the tables moved."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent, Tracking

from notification.application.scheduler import Scheduler
from notification.application.service import NotificationApplication
from notification.bootstrap import bootstrap
from notification.settings import NotificationSettings
from shared import topics
from shared.clock import FixedClock
from shared.contracts import (
    CaseAwaitingTriage,
    CaseDisposed,
    CaseEvent,
    CaseLinkedAsDuplicate,
    CaseOpened,
    Channel,
    ContactKind,
    ReportKind,
    ReportReceived,
    StatusBucket,
)
from shared.processing import Batch, Statement

pytestmark = pytest.mark.integration

NIGHT = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)  # Friday 22.00 WITA
MORNING = datetime(2026, 11, 30, 0, 30, tzinfo=UTC)  # Monday 08.30 WITA
FIXTURE = Path(__file__).parents[1] / "fixtures" / "notification" / "stored_pre_tables.json"
Open = Callable[..., NotificationApplication]


class Weekdays:
    def is_working_day(self, day: Any) -> bool:
        return bool(day.weekday() < 5)


@pytest.fixture
def open_notification(store_env: dict[str, str]) -> Iterator[Open]:
    opened: list[NotificationApplication] = []

    def open_(clock: FixedClock) -> NotificationApplication:
        spec = bootstrap(NotificationSettings(), clock=clock, env=dict(store_env))
        app = spec.application
        assert isinstance(app, NotificationApplication)
        opened.append(app)
        return app

    yield open_
    for app in opened:
        app.close()


def case(cls: type[CaseEvent], tracking_id: str, channel: Channel, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "occurred_at": NIGHT,
        "report_id": UUID(int=int(tracking_id[-4:])),
        "tracking_id": tracking_id,
        "channel": channel,
        "kind": ReportKind.PENGADUAN,
        "reporter_ref": f"rref-{tracking_id}",
        "status": StatusBucket.BELUM_TERVERIFIKASI,
    }
    return cls(**{**values, **fields})


def received(tracking_id: str) -> ReportReceived:
    return ReportReceived(
        occurred_at=NIGHT,
        report_id=UUID(int=int(tracking_id[-4:])),
        tracking_id=tracking_id,
        channel=Channel.WEB,
        kind=ReportKind.PENGADUAN,
        text="Jalan berlubang di depan pasar.",
        reporter_ref=f"rref-{tracking_id}",
        received_at=NIGHT,
        contact_kinds=(ContactKind.PHONE,),
    )


def told(app: NotificationApplication, tracking_id: str) -> list[tuple[str, str]]:
    return [(m.template, m.status) for m in app.messages_for(tracking_id)]


def test_the_tables_written_with_batches_drive_the_service_after_a_restart(
    open_notification: Open,
) -> None:
    clock = FixedClock(NIGHT)
    app = open_notification(clock)
    disposed = {"status": StatusBucket.BELUM_DITINDAKLANJUTI, "skpd_code": "PDAM"}
    batch = [
        case(CaseOpened, "LPR-WEB00001", Channel.WEB),  # parked until its report's event
        case(CaseOpened, "LPR-SMS00002", Channel.SMS),
        case(CaseAwaitingTriage, "LPR-SMS00002", Channel.SMS, reason="low-confidence"),
        case(
            CaseLinkedAsDuplicate, "LPR-SMS00003", Channel.SMS,
            duplicate_of_tracking_id="LPR-SMS00002", status=StatusBucket.ARSIP,
        ),
        case(CaseDisposed, "LPR-SMS00002", Channel.SMS, **disposed),  # the original moves
        case(CaseAwaitingTriage, "LPR-SMS00004", Channel.SMS, reason="low-confidence"),
    ]  # fmt: skip
    assert app.process_batch(batch, Tracking(f"{topics.CASES}:0", 1)) == []
    app.close()
    again = open_notification(clock)
    assert again.messages_for("LPR-WEB00001") == []
    assert again.process_batch([received("LPR-WEB00001")], Tracking("reports:0", 1)) == []
    assert told(again, "LPR-WEB00001") == [("case_opened", "sent")]  # an answer: even at night
    assert ("duplicate_original_moved", "requested") in told(again, "LPR-SMS00003")
    clock.set(MORNING)
    Scheduler(again, Weekdays()).tick()
    assert ("duplicate_original_moved", "sent") in told(again, "LPR-SMS00003")
    digest = [m for m in again.messages_for("LPR-SMS00004") if m.template == "admin_digest"]
    assert len(digest) == 1 and "LPR-SMS00002" not in digest[0].text  # disposed: off the list
    Scheduler(again, Weekdays()).tick()
    assert [m.template for m in again.messages_for("LPR-SMS00004")].count("admin_digest") == 1


def test_two_writers_of_one_reports_row_settle_by_the_version_claim(
    open_notification: Open,
) -> None:
    app = open_notification(FixedClock(NIGHT))
    tracking_id = f"LPR-WEB{uuid4().int % 10_000:05d}"
    parking, noting = Batch(Tracking(f"{topics.CASES}:0", 1)), Batch(Tracking("reports:0", 1))
    app.policy(case(CaseOpened, tracking_id, Channel.WEB), parking)
    app.policy(received(tracking_id), noting)
    app._record(parking)
    with pytest.raises(IntegrityError):
        app._record(noting)
    assert app.process_batch([received(tracking_id)], Tracking("reports:0", 1)) == []
    assert told(app, tracking_id) == [("case_opened", "sent")]


def test_a_store_from_before_the_tables_moves_into_them(open_notification: Open) -> None:
    fixture = json.loads(FIXTURE.read_text())
    clock = FixedClock(datetime.fromisoformat(fixture["clock"]))
    empty = open_notification(clock)
    empty.recorder.insert_events(
        [
            StoredEvent(
                UUID(e["originator_id"]), e["originator_version"], e["topic"], e["state"].encode()
            )
            for e in fixture["stored"]
        ]
    )
    empty.tables.run([Statement("DELETE FROM notification_migrations", {})])  # never migrated
    empty.close()
    app = open_notification(clock)
    expected = {
        tid: [(m["template"], m["status"]) for m in ms] for tid, ms in fixture["messages"].items()
    }
    assert {tid: told(app, tid) for tid in expected} == expected
    clock.set(clock.now() + timedelta(hours=10))  # Saturday morning: the planned SMS goes
    Scheduler(app, Weekdays()).tick()
    assert ("case_disposed", "sent") in told(app, "LPR-SMS00005")
