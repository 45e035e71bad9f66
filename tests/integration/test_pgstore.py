"""The one-round-trip PostgreSQL recorder keeps eventsourcing's promises: all or nothing, once."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest
from eventsourcing.application import ProcessingEvent
from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.postgres import PostgresProcessRecorder

from shared.db import ensure_database
from shared.pgstore import OneTripProcessRecorder
from shared.settings import CommonSettings
from tests.preload_app import Bump, Tallies, Tally, bumps, run_batches, state, tally_id

pytestmark = pytest.mark.integration


@pytest.fixture
def app(postgres_url: str) -> Tallies:
    common = CommonSettings(database_url=postgres_url)
    service = f"t{uuid.uuid4().hex[:10]}"
    ensure_database(postgres_url, common.database_name(service))
    return Tallies(env=common.eventsourcing_env(service))


def test_services_on_postgres_use_the_one_trip_recorder(app: Tallies) -> None:
    assert isinstance(app.recorder, OneTripProcessRecorder)


def test_a_batch_and_its_position_are_stored_together(app: Tallies) -> None:
    run_batches(app, [bumps(10), bumps(10, 10)])
    assert app.position("bumps:0") == 2
    assert state(app, ["k0"])["k0"][0] > 1
    notifications = app.recorder.select_notifications(1, 1000)
    assert [n.id for n in notifications] == sorted(n.id for n in notifications)


def test_a_position_that_does_not_advance_stores_nothing(app: Tallies) -> None:
    app.process_batch([Bump("k", 1, "a")], Tracking("bumps:0", 5))
    with pytest.raises(IntegrityError):
        app.process_batch([Bump("k", 2, "b")], Tracking("bumps:0", 5))
    assert state(app, ["k"])["k"] == (2, 1, ["a"])
    app.process_batch([Bump("k", 3, "c")], Tracking("bumps:0", 6))  # the connection recovered
    assert state(app, ["k"])["k"] == (3, 4, ["a", "c"])


def stored(app: Tallies, batch: ProcessingEvent[uuid.UUID]) -> list[Any]:
    return [app.mapper.to_stored_event(e) for e in batch.events]


def test_a_position_alone_is_stored_once_and_only_forward(app: Tallies) -> None:
    app.recorder.insert_tracking(Tracking("relay", 7))
    with pytest.raises(IntegrityError):
        app.recorder.insert_tracking(Tracking("relay", 7))
    app.recorder.insert_tracking(Tracking("relay", 9))
    assert app.recorder.max_tracking_id("relay") == 9


def test_a_conflicting_event_stores_neither_events_nor_position(app: Tallies) -> None:
    app.process_batch([Bump("k", 1, "a")], Tracking("bumps:0", 1))
    stale: Tally = app.repository.get(tally_id("k"))
    app.process_batch([Bump("k", 2, "b")], Tracking("bumps:0", 2))
    stale.add(5, "stale")
    batch = ProcessingEvent[uuid.UUID](tracking=Tracking("bumps:0", 3))
    batch.collect_events(stale)
    with pytest.raises(IntegrityError):
        app.recorder.insert_events(stored(app, batch), tracking=batch.tracking)
    assert app.position("bumps:0") == 2
    assert state(app, ["k"])["k"] == (3, 3, ["a", "b"])


def round_trips(recorder: Any, monkeypatch: pytest.MonkeyPatch, app: Tallies) -> int:
    """How often the client waits on the socket for the server while one batch is written (a
    wait whose work needs no server, such as committing an idle connection, is not one)."""
    trips: list[str] = []
    wait = psycopg.Connection.wait

    def counted(gen: Any) -> Any:
        try:
            asked = gen.send(None)
        except StopIteration as done:
            return done.value
        trips.append("trip")
        while True:
            ready = yield asked
            try:
                asked = gen.send(ready)
            except StopIteration as done:
                return done.value

    def waited(self: Any, gen: Any, *args: Any, **kwargs: Any) -> Any:
        return wait(self, counted(gen), *args, **kwargs)

    batch = ProcessingEvent[uuid.UUID](tracking=Tracking(f"trips:{id(recorder)}", 1))
    batch.collect_events(*[Tally(f"w{i}{id(recorder)}") for i in range(20)])
    events = stored(app, batch)
    with monkeypatch.context() as patch:
        patch.setattr(psycopg.Connection, "wait", waited)
        recorder.insert_events(events, tracking=batch.tracking)
    return len(trips)


def test_a_write_is_one_round_trip_where_eventsourcings_own_takes_more(
    app: Tallies, monkeypatch: pytest.MonkeyPatch
) -> None:
    stock = PostgresProcessRecorder(
        app.recorder.datastore,  # type: ignore[attr-defined]
        events_table_name=app.recorder.events_table_name,  # type: ignore[attr-defined]
        tracking_table_name=app.recorder.tracking_table_name,  # type: ignore[attr-defined]
    )
    assert round_trips(app.recorder, monkeypatch, app) == 1
    assert round_trips(stock, monkeypatch, app) > 1
