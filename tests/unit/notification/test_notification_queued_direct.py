"""A message kept for later (quiet hours, the digest): the `Queued` event and the aggregate
that calling the class made, without eventsourcing's generic creation steps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from notification.application.service import NotificationApplication
from notification.domain.notification import REQUESTED, SENT, Notification

NOW = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)  # 22.00 WITA: quiet hours for SMS
STAMP = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
FIELDS: dict[str, Any] = {
    "report_id": uuid4(),
    "tracking_id": "LPR-7K3QX9MD",
    "case_event_type": "CaseDisposed",
    "channel": "sms",
    "reporter_ref": "rref-1",
    "template": "reporter_disposed",
    "subject": "",
    "text": "Laporan LPR-7K3QX9MD diteruskan ke PDAM Bandarmasih.",
    "queued_at": NOW,
}
FULL = FIELDS | {"audience": "reporter", "address": "", "html": "", "immediate": False}


@pytest.fixture(autouse=True)
def stamped(monkeypatch: pytest.MonkeyPatch) -> None:
    for kind in (Notification.Queued, Notification.Dispatched):
        monkeypatch.setattr(kind, "create_timestamp", staticmethod(lambda: STAMP))


@pytest.mark.parametrize("fields", [FIELDS, FULL], ids=["defaults", "every-field"])
def test_a_queued_message_is_the_event_and_aggregate_the_class_made(
    app: NotificationApplication, fields: dict[str, Any]
) -> None:
    nid = uuid4()
    ours, theirs = Notification.queue(id=nid, **fields), Notification(id=nid, **dict(fields))
    (mine,), (made,) = ours.collect_events(), theirs.collect_events()
    assert type(mine) is type(made) is Notification.Queued
    assert vars(mine) == vars(made)
    assert app.mapper.to_stored_event(mine) == app.mapper.to_stored_event(made)
    assert ours == theirs
    assert (ours.status, ours.attempt, ours.version) == (REQUESTED, 0, 1)


def test_a_queued_message_read_back_is_dispatched_as_before(app: NotificationApplication) -> None:
    nid = uuid4()
    ours, theirs = Notification.queue(id=nid, **FIELDS), Notification(id=nid, **dict(FIELDS))
    (event,), _ = ours.collect_events(), theirs.collect_events()
    again = app.mapper.to_domain_event(app.mapper.to_stored_event(event)).mutate(None)
    assert isinstance(again, Notification)
    for notification in (again, theirs):
        notification.dispatch(NOW + timedelta(hours=9))
    assert [type(e) for e in again.collect_events()] == [Notification.Dispatched]
    theirs.collect_events()
    assert again == theirs
    assert (again.status, again.version, again.message()) == (SENT, 2, ours.message())
