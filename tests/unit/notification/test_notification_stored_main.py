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
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from notification.adapters.jinja_renderer import JinjaRenderer
from notification.application.composer import Composer
from notification.application.scheduler import Scheduler
from notification.application.service import NotificationApplication
from notification.application.translate import translate
from notification.bootstrap import mailboxes
from shared.clock import FixedClock
from shared.directory import CITY_ADMIN

FIXTURE = Path(__file__).parents[2] / "fixtures" / "notification" / "stored_main.json"


@functools.cache
def _fixture() -> dict[str, Any]:
    return dict(json.loads(FIXTURE.read_text()))


class Weekdays:
    def is_working_day(self, day: Any) -> bool:
        return bool(day.weekday() < 5)


def _loaded(clock: FixedClock) -> NotificationApplication:
    app = NotificationApplication(
        env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
        composer=Composer(JinjaRenderer(), mailboxes(), CITY_ADMIN),
        clock=clock,
    )
    app.recorder.insert_events(
        [
            StoredEvent(
                originator_id=UUID(item["originator_id"]),
                originator_version=item["originator_version"],
                topic=item["topic"],
                state=item["state"].encode(),
            )
            for item in _fixture()["stored"]
        ]
    )
    return app


def _view(message: Any) -> dict[str, Any]:
    fields = ("notification_id", "tracking_id", "audience", "channel", "template", "status")
    view = {name: str(getattr(message, name)) for name in fields}
    view["attempt"] = message.attempt
    view["text"] = message.text
    return view


def _clock() -> FixedClock:
    return FixedClock(datetime.fromisoformat(_fixture()["clock"]))


def test_old_messages_read_as_main_showed_them() -> None:
    app = _loaded(_clock())
    expected = _fixture()["messages"]
    assert {tid: [_view(m) for m in app.messages_for(tid)] for tid in expected} == expected


def test_old_delivery_problems_are_still_listed() -> None:
    app = _loaded(_clock())
    assert [_view(m) for m in app.delivery_problems()] == _fixture()["problems"]


def test_old_stored_dispatches_publish_what_main_published() -> None:
    stored = _fixture()["stored"]
    app = _loaded(_clock())
    events = app.recorder.select_notifications(0, len(stored))[: len(stored)]
    published = [
        {"topic": out.topic, "key": out.key, "value": out.event.model_dump(mode="json")}
        for item in events
        for out in translate(app.mapper.to_domain_event(item))
    ]
    assert published == _fixture()["published"]


def test_a_message_main_planned_after_quiet_hours_goes_out_in_the_morning() -> None:
    clock = _clock()
    app = _loaded(clock)
    (planned,) = [m for m in app.messages_for("LPR-SMS00007") if m.status == "requested"]
    clock.advance(timedelta(hours=10))  # 08.00 WITA
    Scheduler(app, Weekdays()).tick()
    messages = app.messages_for("LPR-SMS00007")
    (sent,) = [m for m in messages if m.notification_id == planned.notification_id]
    assert (sent.status, sent.attempt) == ("sent", 1)


def test_a_report_main_left_waiting_for_the_admin_is_in_the_next_digest() -> None:
    clock = _clock()
    app = _loaded(clock)
    clock.advance(timedelta(days=3))  # Monday: the next working day's digest
    Scheduler(app, Weekdays()).tick()
    digests = [m for m in app.messages_for("LPR-WEB00002") if m.template == "admin_digest"]
    assert len(digests) == 2 and "LPR-WEB00002" in digests[-1].text
