"""Tracking names, before a batch runs, every aggregate its policies load (read all at once)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tracking_helpers import DISPOSITIONS, DLH, DLH_ACTIONS, PDAM_ACTIONS, REPORTS, Feed, Report
from tracking_helpers import settings as tracking_settings

from shared import contracts as c
from shared.messaging import codec
from shared.messaging.deadletter import DeadLetter
from tests.fuzz_strategies import odd_message
from tracking.application.app import TrackingApplication
from tracking.application.messages import early_arrivals_id
from tracking.bootstrap import deadline_policy

TOPICS = (REPORTS, DISPOSITIONS, PDAM_ACTIONS, DLH_ACTIONS)


class Spy:
    """Records, per batch, the aggregates the policies load and the ids `wanted` named."""

    def __init__(self, app: TrackingApplication) -> None:
        self.unlisted: list[tuple[str, UUID]] = []
        self.loads = 0
        self._wanted: set[UUID] = set()
        original_load, original_batch = app.load, app.process_batch

        def load(batch: Any, aggregate_id: UUID, cls: type[Any]) -> Any:
            if cls is not DeadLetter:  # a refused record's dead letter is the plumbing's own
                self.loads += 1
                if aggregate_id not in self._wanted:
                    self.unlisted.append((cls.__name__, aggregate_id))
            return original_load(batch, aggregate_id, cls)

        def process_batch(messages: Any, tracking: Any, **options: Any) -> Any:
            bare = [getattr(m, "message", m) for m in messages]
            self._wanted = {i for m in bare for i in app.wanted(m)}
            return original_batch(messages, tracking, **options)

        app.load = load  # type: ignore[method-assign]
        app.process_batch = process_batch  # type: ignore[method-assign]


@pytest.fixture
def spied(tmp_path: Path) -> Iterator[tuple[Feed, Spy]]:
    app = TrackingApplication(
        {"PERSISTENCE_MODULE": "eventsourcing.popo"},
        deadlines=deadline_policy(tracking_settings(tmp_path)),
    )
    spy = Spy(app)
    yield Feed(app), spy
    app.close()


def test_a_message_wants_its_case_and_its_parked_messages() -> None:
    report = Report()
    wanted = set(TrackingApplication.wanted(None, report.acknowledge()))  # type: ignore[arg-type]
    assert wanted == {report.report_id, early_arrivals_id(report.report_id)}


def test_a_message_about_no_report_wants_nothing() -> None:
    assert list(TrackingApplication.wanted(None, object())) == []  # type: ignore[arg-type]


def test_a_whole_life_out_of_order_loads_only_what_was_wanted(spied: tuple[Feed, Spy]) -> None:
    feed, spy = spied
    report, other = Report("LPR-WANTED01"), Report("LPR-WANTED02")
    feed.send(PDAM_ACTIONS, report.acknowledge(), report.follow_up())  # parked: no case yet
    feed.send(DISPOSITIONS, report.disposed(), other.disposed(DLH))
    feed.send(REPORTS, report.received(), other.received())  # opens, releases the parked
    feed.send(PDAM_ACTIONS, report.resolve(), report.resolve(), other.acknowledge())
    feed.send(DLH_ACTIONS, other.not_competent("DLH"), report.acknowledge("DLH"))
    feed.send(DISPOSITIONS, other.redisposed("DLH", ("PDAM", "PDAM")))
    assert spy.loads > 10
    assert spy.unlisted == []


def _records(topic: str) -> st.SearchStrategy[tuple[str, bytes]]:
    classes = list(codec.events_for(topic).values())
    return st.tuples(st.just(topic), st.one_of([odd_message(cls) for cls in classes]))


batches = st.lists(
    st.lists(st.one_of([_records(t) for t in TOPICS]), min_size=1, max_size=6),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batches=batches)
def test_any_messages_in_any_order_load_only_what_was_wanted(
    spied: tuple[Feed, Spy], batches: list[list[tuple[str, bytes]]]
) -> None:
    feed, spy = spied
    for batch in batches:
        by_topic: dict[str, list[c.ReportEvent]] = {}
        for topic, value in batch:
            try:
                message = codec.decode(topic, value, 1_000_000)
            except codec.MalformedMessage:
                continue
            if isinstance(message, c.ReportEvent):
                by_topic.setdefault(topic, []).append(message)
        for topic, messages in by_topic.items():
            feed.send(topic, *messages)
    assert spy.unlisted == []
