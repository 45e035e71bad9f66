"""Stores written by main's code before F3 are read by today's code, never rewritten.

`tests/fixtures/notification/stored_main.json` holds what main (c4c980d) stored: messages sent at
once and after quiet hours, retried, given up and delivered, with the agenda shards, the waiting
list, the delivery problems, the report indexes and the duplicate links it kept as aggregates
(`make_stored_main.py` beside it wrote the file).
"""

from __future__ import annotations

import functools
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from notification.application.scheduler import Scheduler
from notification.application.service import NotificationApplication
from notification.application.translate import translate
from shared.clock import FixedClock
from tests.unit.notification.old_store import old_store

FIXTURE = Path(__file__).parents[2] / "fixtures" / "notification" / "stored_main.json"


@functools.cache
def _fixture() -> dict[str, Any]:
    return dict(json.loads(FIXTURE.read_text()))


class Weekdays:
    def is_working_day(self, day: Any) -> bool:
        return bool(day.weekday() < 5)


def _loaded(clock: FixedClock, tmp_path: Path) -> NotificationApplication:
    return old_store(tmp_path / "main.sqlite", _fixture()["stored"], clock)


def _view(message: Any) -> dict[str, Any]:
    fields = ("notification_id", "tracking_id", "audience", "channel", "template", "status")
    view = {name: str(getattr(message, name)) for name in fields}
    view["attempt"] = message.attempt
    view["text"] = message.text
    return view


def _clock() -> FixedClock:
    return FixedClock(datetime.fromisoformat(_fixture()["clock"]))


def test_old_messages_read_as_main_showed_them(tmp_path: Path) -> None:
    app = _loaded(_clock(), tmp_path)
    expected = _fixture()["messages"]
    assert {tid: [_view(m) for m in app.messages_for(tid)] for tid in expected} == expected


def test_old_delivery_problems_are_still_listed(tmp_path: Path) -> None:
    app = _loaded(_clock(), tmp_path)
    assert [_view(m) for m in app.delivery_problems()] == _fixture()["problems"]


def test_old_stored_dispatches_publish_what_main_published(tmp_path: Path) -> None:
    stored = _fixture()["stored"]
    app = _loaded(_clock(), tmp_path)
    events = app.recorder.select_notifications(0, len(stored))[: len(stored)]
    published = [
        {"topic": out.topic, "key": out.key, "value": out.event.model_dump(mode="json")}
        for item in events
        for out in translate(app.mapper.to_domain_event(item))
    ]
    assert published == _fixture()["published"]


def test_a_message_main_planned_after_quiet_hours_goes_out_in_the_morning(tmp_path: Path) -> None:
    clock = _clock()
    app = _loaded(clock, tmp_path)
    (planned,) = [m for m in app.messages_for("LPR-SMS00007") if m.status == "requested"]
    clock.advance(timedelta(hours=10))  # 08.00 WITA
    Scheduler(app, Weekdays()).tick()
    messages = app.messages_for("LPR-SMS00007")
    (sent,) = [m for m in messages if m.notification_id == planned.notification_id]
    assert (sent.status, sent.attempt) == ("sent", 1)


def test_a_report_main_left_waiting_for_the_admin_is_in_the_next_digest(tmp_path: Path) -> None:
    clock = _clock()
    app = _loaded(clock, tmp_path)
    clock.advance(timedelta(days=3))  # Monday: the next working day's digest
    Scheduler(app, Weekdays()).tick()
    digests = [m for m in app.messages_for("LPR-WEB00002") if m.template == "admin_digest"]
    assert len(digests) == 2 and "LPR-WEB00002" in digests[-1].text
