"""Fixtures of the notification unit tests: the application on in-memory persistence."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import Tracking

from notification.adapters.jinja_renderer import JinjaRenderer
from notification.adapters.tables import SqlIndexes
from notification.application.composer import Composer
from notification.application.service import NotificationApplication
from notification.application.translate import translate
from notification.bootstrap import mailboxes
from shared import topics
from shared.clock import FixedClock
from shared.contracts import CaseEvent, Channel, ReportKind, StatusBucket
from shared.directory import CITY_ADMIN
from shared.messaging.relay import Outgoing
from shared.processing import Rejection

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
IN_MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


@pytest.fixture
def clock() -> FixedClock:
    """The clock every unit test starts from: a working-day morning in Banjarmasin."""
    return FixedClock(NOW)


@pytest.fixture
def app(clock: FixedClock) -> Iterator[NotificationApplication]:
    application = NotificationApplication(
        env=IN_MEMORY,
        composer=Composer(JinjaRenderer(), mailboxes(), CITY_ADMIN),
        clock=clock,
        indexes=SqlIndexes,
    )
    yield application
    application.close()


@pytest.fixture
def make_case() -> Callable[..., CaseEvent]:
    """Builds a case event of a given class; fields default to an SMS report in progress."""

    def build(cls: type[CaseEvent], **fields: Any) -> CaseEvent:
        values: dict[str, Any] = {
            "event_id": uuid4(),
            "occurred_at": NOW,
            "report_id": uuid4(),
            "tracking_id": "LPR-7K3QX9MD",
            "channel": Channel.SMS,
            "kind": ReportKind.PENGADUAN,
            "reporter_ref": "rref-0001",
            "status": StatusBucket.BELUM_TERVERIFIKASI,
        }
        values.update(fields)
        return cls(**values)

    return build


@pytest.fixture
def process(app: NotificationApplication) -> Callable[..., list[tuple[Any, Rejection]]]:
    """Feeds events to the application as one batch, each batch at a new topic position."""
    positions = itertools.count(1)

    def feed(*events: Any, topic: str = topics.CASES) -> list[tuple[Any, Rejection]]:
        return app.process_batch(list(events), Tracking(f"{topic}:0", next(positions)))

    return feed


@pytest.fixture
def published(app: NotificationApplication) -> Callable[[], list[Outgoing]]:
    """What the relay would publish from everything stored so far."""

    def collect() -> list[Outgoing]:
        notifications = app.recorder.select_notifications(0, 1000)
        return [
            out
            for notification in notifications
            for out in translate(app.mapper.to_domain_event(notification))
        ]

    return collect
