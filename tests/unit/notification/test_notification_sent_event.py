"""A message sent at once: the event and aggregate eventsourcing's own `_create` would make."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from eventsourcing.utils import get_topic

from notification.application.service import NotificationApplication
from notification.domain.notification import SENT, TOPIC, Notification

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
FIELDS: dict[str, Any] = {
    "report_id": uuid4(),
    "tracking_id": "LPR-7K3QX9MD",
    "case_event_type": "CaseDisposed",
    "channel": "email",
    "reporter_ref": "",
    "template": "skpd_new_report",
    "subject": "Laporan baru LPR-7K3QX9MD untuk PDAM",
    "text": "Yth. Admin Penghubung PDAM,\n\nLaporan baru ...",
    "queued_at": NOW,
    "audience": "skpd",
    "address": "pdam@banjarmasinkota.go.id",
    "html": "<!DOCTYPE html>...",
    "immediate": False,
}


def without(values: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: value for name, value in values.items() if name not in names}


def test_a_message_sent_at_once_is_the_event_and_aggregate_that_create_makes() -> None:
    nid = uuid4()
    ours = Notification.send(id=nid, sent_at=NOW, **FIELDS)
    theirs = Notification._create(Notification.Sent, id=nid, sent_at=NOW, **dict(FIELDS))
    (mine,), (made,) = ours.collect_events(), theirs.collect_events()
    assert type(mine) is type(made) and get_topic(Notification) == TOPIC
    assert without(vars(mine), "timestamp") == without(vars(made), "timestamp")
    times = ("_created_on", "_modified_on")
    assert without(vars(ours), *times) == without(vars(theirs), *times)
    assert (ours.status, ours.attempt, ours.version) == (SENT, 1, 1)


def test_a_message_sent_at_once_is_read_back_from_its_stored_event(
    app: NotificationApplication,
) -> None:
    sent = Notification.send(id=uuid4(), sent_at=NOW, **FIELDS)
    (event,) = sent.collect_events()
    stored = app.mapper.to_stored_event(event)
    again = app.mapper.to_domain_event(stored).mutate(None)
    assert stored.topic == "notification.domain.notification:Notification.Sent"
    assert isinstance(again, Notification) and again.message() == sent.message()
