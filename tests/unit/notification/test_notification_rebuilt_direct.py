"""A notification is rebuilt from its created event (`Queued` or `Sent`) without eventsourcing's
generic steps: the same aggregate its own created-event `mutate` builds, for messages made now
and for every message of a store main wrote."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import CanInitAggregate

from notification.application.service import NotificationApplication
from notification.domain.notification import Notification
from shared.clock import FixedClock
from shared.processing import project
from tests.unit.notification.old_store import old_store
from tests.unit.notification.test_notification_stored_main import _fixture

AT = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
FIELDS: dict[str, Any] = {
    "report_id": uuid4(), "tracking_id": "LPR-7K3QX9MD", "case_event_type": "CaseOpened",
    "channel": "email", "reporter_ref": "rref-1", "template": "reporter_opened",
    "subject": "Laporan diterima", "text": "Laporan Anda diterima.", "queued_at": AT,
}  # fmt: skip
FULL = FIELDS | {"audience": "skpd", "address": "pdam@x.go.id", "html": "<p>", "immediate": True}


def _generic(events: list[Any]) -> Any:
    """eventsourcing's own created-event `mutate`, then the other events."""
    aggregate = CanInitAggregate.mutate(events[0], None)
    for event in events[1:]:
        aggregate = event.mutate(aggregate)
    return aggregate


@pytest.mark.parametrize(
    "made",
    [
        lambda: Notification.send(id=uuid4(), sent_at=AT, **FIELDS),
        lambda: Notification.send(id=uuid4(), sent_at=AT, **FULL),
        lambda: Notification.queue(id=uuid4(), **FIELDS),
        lambda: Notification.queue(id=uuid4(), **FULL),
    ],
    ids=["sent", "sent-every-field", "queued", "queued-every-field"],
)
def test_a_message_read_back_is_the_notification_eventsourcing_rebuilds(
    app: NotificationApplication, made: Any
) -> None:
    notification = made()
    if notification.attempt:  # sent: its delivery is reported too
        notification.report_delivery("delivered", "", AT)
    stored = [app.mapper.to_stored_event(e) for e in notification.collect_events()]
    events = [app.mapper.to_domain_event(s) for s in stored]
    assert project(None, events) == _generic(events) == notification


def test_every_message_of_a_store_main_wrote_rebuilds_as_eventsourcing_rebuilds_it(
    tmp_path: Path,
) -> None:
    clock = FixedClock(datetime.fromisoformat(_fixture()["clock"]))
    app = old_store(tmp_path / "main.sqlite", _fixture()["stored"], clock)
    ids = {
        UUID(item["originator_id"])
        for item in _fixture()["stored"]
        if item["topic"].endswith("Notification.Queued")
    }
    assert len(ids) == 12
    for notification_id in ids:
        events = list(app.events.get(notification_id))
        assert app.repository.get(notification_id) == _generic(events) == project(None, events)


def test_a_message_of_another_aggregates_topic_is_left_to_eventsourcing() -> None:
    (sent,) = Notification.send(id=uuid4(), sent_at=AT, **FIELDS).collect_events()
    renamed = type(sent)(**{**vars(sent), "originator_topic": "notification.domain.x:Pesan"})
    with pytest.raises(Exception, match=r"Pesan|notification\.domain\.x"):
        renamed.mutate(None)
