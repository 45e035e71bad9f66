"""Notification's tables on both stores: the list of delivery problems main kept as an aggregate
moves into its table; a batch's merged statements keep each report's messages in order.

The fixture (`tests/fixtures/notification/stored_problems.json`, written by main 717a24b) is put
into a fresh store of each backend as main left it; today's service opened on it lists the same
problems, and a recovery is a row deleted in the batch's transaction, not an event.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent, Tracking

from notification.application.migration import PROBLEMS_MIGRATION, migrate_problems
from notification.application.policy import problems_id
from shared import topics
from shared.clock import FixedClock
from shared.contracts import (
    CaseAwaitingTriage,
    CaseDisposed,
    CaseOpened,
    Channel,
    DeliveryReported,
    DeliveryStatus,
    StatusBucket,
)
from shared.processing import Statement
from tests.integration.test_notification_tables import Open, case, open_notification

pytestmark = pytest.mark.integration

FIXTURE = Path(__file__).parents[1] / "fixtures" / "notification" / "stored_problems.json"
__all__ = ["open_notification"]  # the store of each backend, opened as the service opens it


def _as_stored(item: dict[str, Any]) -> StoredEvent:
    """One event of the fixture as main's recorder stored it."""
    originator, version = UUID(item["originator_id"]), item["originator_version"]
    return StoredEvent(originator, version, item["topic"], item["state"].encode())


def test_main_s_list_of_problems_moves_into_the_table(open_notification: Open) -> None:
    fixture = json.loads(FIXTURE.read_text())
    clock = FixedClock(datetime.fromisoformat(fixture["clock"]))
    empty = open_notification(clock)
    empty.recorder.insert_events([_as_stored(item) for item in fixture["stored"]])
    empty.tables.run([Statement("DELETE FROM notification_migrations", {})])  # as main left it
    empty.close()
    app = open_notification(clock)
    assert app.tables.migrated(PROBLEMS_MIGRATION)
    listed = [str(m.notification_id) for m in app.delivery_problems()]
    assert listed == [p["notification_id"] for p in fixture["problems"]]
    old_list = len(app.recorder.select_events(problems_id()))
    delivered = DeliveryReported(
        occurred_at=clock.now(),
        notification_id=UUID(fixture["notifications"]["1"]),
        channel=Channel.SMS,
        status=DeliveryStatus.DELIVERED,
        attempt=2,
    )
    assert app.process_batch([delivered], Tracking(f"{topics.DELIVERY}:0", 1)) == []
    assert [m.tracking_id for m in app.delivery_problems()] == ["LPR-SMS00002"]
    assert len(app.recorder.select_events(problems_id())) == old_list
    assert migrate_problems(app, app.tables) == 0


def test_messages_added_in_one_batch_keep_their_order_on_each_store(
    open_notification: Open,
) -> None:
    app = open_notification(FixedClock(datetime(2026, 11, 27, 1, 0, tzinfo=UTC)))
    disposed = {"status": StatusBucket.BELUM_DITINDAKLANJUTI, "skpd_code": "PDAM"}
    first = [case(CaseOpened, "LPR-SMS00001", Channel.SMS)]
    assert app.process_batch(first, Tracking(f"{topics.CASES}:0", 1)) == []
    batch = [
        case(CaseAwaitingTriage, "LPR-SMS00002", Channel.SMS, reason="low-confidence"),
        case(CaseDisposed, "LPR-SMS00001", Channel.SMS, **disposed),
        case(CaseOpened, "LPR-SMS00002", Channel.SMS),
        case(CaseDisposed, "LPR-SMS00002", Channel.SMS, **disposed),
    ]
    assert app.process_batch(batch, Tracking(f"{topics.CASES}:0", 2)) == []
    expected = ["case_opened", "case_disposed", "skpd_new_report"]
    for tracking_id in ("LPR-SMS00001", "LPR-SMS00002"):
        assert [m.template for m in app.messages_for(tracking_id)] == expected
    assert app.tables.waiting() == []
