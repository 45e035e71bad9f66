"""On PostgreSQL: the aggregates the services now make without eventsourcing's generic creation
steps store the rows eventsourcing's own steps stored, and read back (through `project`) as the
same aggregates. The ways before and now are `bench.aggregate_cost`'s pairs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest

from bench.aggregate_cost import PAIRS, generic_created
from intake.domain.report import Report
from notification.domain.notification import Notification
from routing.domain.disposition import Disposition
from tests.plumbing_app import NoteTaker
from tracking.application.stored import register_value_objects
from tracking.domain.case import Case

pytestmark = pytest.mark.integration

STAMP = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
CREATED = (Report.Recorded, Disposition.Routed, Disposition.Triaged, Case.Opened,
           Notification.Queued, Notification.Sent)  # fmt: skip


class Store(NoteTaker):
    """A batch application's store that also keeps the case events' value objects."""

    def register_transcodings(self, transcoder: Any) -> None:
        super().register_transcodings(transcoder)
        register_value_objects(transcoder)


@pytest.fixture
def stamped(monkeypatch: pytest.MonkeyPatch) -> None:
    for created in CREATED:
        monkeypatch.setattr(created, "create_timestamp", staticmethod(lambda: STAMP))


def _state(aggregate: Any) -> dict[str, Any]:
    """What an aggregate holds, but its id (the two ways are stored under two ids)."""
    return {k: v for k, v in vars(aggregate).items() if k != "_id"}


@pytest.mark.usefixtures("stamped")
@pytest.mark.parametrize("kind", list(PAIRS))
def test_a_directly_made_aggregate_stores_and_reads_back_as_eventsourcing_made_it(
    pg_env: dict[str, str], kind: str
) -> None:
    app = Store(env=pg_env)
    (before, now), ours_id, theirs_id = PAIRS[kind], uuid4(), uuid4()
    with generic_created():
        theirs = before(theirs_id)
    ours = now(ours_id)
    app.save(ours, theirs)
    assert _state(ours) == _state(theirs) and ours.version == 1
    (mine,), (made,) = app.recorder.select_events(ours_id), app.recorder.select_events(theirs_id)
    assert (mine.topic, mine.originator_version, mine.state) == (
        made.topic,
        made.originator_version,
        made.state,
    )
    again = app.repository.get(ours_id)
    assert type(again) is type(theirs)
    assert _state(again) == _state(app.repository.get(theirs_id))
