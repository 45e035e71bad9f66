"""A relay round is one store transaction (the position reached stored, the next rows read), and
a woken relay gathers the writes made during `gather_seconds` into one round."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from shared.messaging.outbox import install_outbox
from shared.messaging.relay import OutboxRelay
from shared.wakeup import recorded
from tests.plumbing_app import NoteTaker, translator
from tests.unit.shared.test_shared_relay import POPO, Producer, notes
from tests.unit.shared.test_shared_relay_ahead import note, numbers, until


def sqlite_env(tmp_path: Path) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "e.db")}


class Transactions:
    """Counts the transactions a SQLite store begins."""

    def __init__(self, app: NoteTaker, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        datastore = app.recorder.datastore
        real = datastore.transaction

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(datastore, "transaction", counted)


async def test_each_round_stores_the_position_reached_and_reads_the_next_rows_in_one_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, producer = NoteTaker(env=sqlite_env(tmp_path)), Producer()
    notes(app, 5)
    relay = OutboxRelay(app, producer, translator("out"), batch_size=2)
    relay.position()  # the stored position, read once
    transactions = Transactions(app, monkeypatch)
    while await relay.publish_pending():
        pass
    assert numbers(producer) == [b"1", b"2", b"3", b"4", b"5"]
    assert transactions.count == 4  # rounds of 2, 2, 1 and 0 rows
    assert app.recorder.max_tracking_id(relay.position_name) == 5  # stored by the empty round


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_a_position_that_does_not_advance_fails_the_transaction_and_reads_nothing(
    store: str, tmp_path: Path
) -> None:
    env = POPO if store == "memory" else sqlite_env(tmp_path)
    check_a_position_must_advance(NoteTaker(env=env))


def check_a_position_must_advance(app: NoteTaker) -> None:
    """A relay's round whose position does not advance fails and reads nothing (every store)."""
    install_outbox(app, translator("out"), legacy_relay="relay")
    notes(app, 4)
    recorder = app.recorder
    assert [r.id for r in recorder.track_and_select_outbox(Tracking("r:outbox", 2), 10)] == [3, 4]
    with pytest.raises(IntegrityError):
        recorder.track_and_select_outbox(Tracking("r:outbox", 1), 10)
    assert recorder.max_tracking_id("r:outbox") == 2
    assert [r.id for r in recorder.track_and_select_outbox(Tracking("r:outbox", 3), 10)] == [4]


async def test_a_relay_whose_position_another_relay_moved_on_resumes_from_the_stored_one() -> None:
    app, first, second = NoteTaker(env=POPO), Producer(), Producer()
    notes(app, 6)
    behind = OutboxRelay(app, first, translator("out"), batch_size=2)
    assert await behind.publish_pending() == 2  # rows 1 and 2 acknowledged, not stored yet
    ahead = OutboxRelay(app, second, translator("out"), batch_size=4)
    while await ahead.publish_pending():  # a new leader sends every row and stores 6
        pass
    with pytest.raises(IntegrityError):
        await behind.publish_pending()  # storing 2 fails: nothing read, nothing sent
    note(app, 7)
    assert await behind.publish_pending() == 1
    assert numbers(first) == [b"1", b"2", b"7"]


class Gathering:
    """Stands in for the relay's gathering wait: counts it, and writes a note during the first
    (another use case's write in the window)."""

    def __init__(self, app: NoteTaker, relay: OutboxRelay, monkeypatch: pytest.MonkeyPatch) -> None:
        self.app = app
        self.waits = 0
        monkeypatch.setattr(relay, "_gather", self.wait)

    async def wait(self, stopping: asyncio.Event) -> None:
        self.waits += 1
        if self.waits == 1:
            note(self.app, 2)


async def run_relay(
    relay: OutboxRelay, app: NoteTaker, published: int, monkeypatch: pytest.MonkeyPatch
) -> list[int]:
    """Run the relay, write one note after its first read (it found nothing), stop once
    `published`; the rows of each round."""
    rounds: list[int] = []
    relay._observe = lambda rows, seconds: rounds.append(len(rows))
    reads: list[int] = []
    read = app.recorder.select_outbox

    def counted(after: int, limit: int) -> Any:
        rows = read(after, limit)
        reads.append(len(rows))
        return rows

    monkeypatch.setattr(app.recorder, "select_outbox", counted)
    stopping = asyncio.Event()
    running = asyncio.create_task(relay.run(stopping))
    await until(lambda: bool(reads))
    note(app, 1)
    await until(lambda: relay.published == published)
    stopping.set()
    await running
    return rounds


async def test_a_woken_relay_sends_the_writes_made_during_its_gathering_wait_in_one_round(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, producer = NoteTaker(env=POPO), Producer()
    relay = OutboxRelay(app, producer, translator("out"), idle_seconds=3600, gather_seconds=0.005)
    gathering = Gathering(app, relay, monkeypatch)
    rounds = await run_relay(relay, app, 2, monkeypatch)
    assert gathering.waits >= 1  # the second note's own wake-up may come after the read
    assert rounds == [2]


async def test_without_a_gathering_wait_a_woken_relay_reads_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, producer = NoteTaker(env=POPO), Producer()
    relay = OutboxRelay(app, producer, translator("out"), idle_seconds=3600)
    gathering = Gathering(app, relay, monkeypatch)
    rounds = await run_relay(relay, app, 1, monkeypatch)
    assert rounds == [1]
    assert gathering.waits == 0


async def test_a_wait_says_whether_a_write_ended_it() -> None:
    app, stopping = NoteTaker(env=POPO), asyncio.Event()
    waiter = recorded(app).waiter()
    assert not await waiter.wait(stopping, 0.001)  # its time passed
    note(app, 1)
    assert await waiter.wait(stopping, 3600)
    stopping.set()
    assert not await waiter.wait(stopping, 3600)
