"""Pruning the outbox: only rows every relay of the store stored a position past go, in chunks;
a relay started after a prune goes on where the last one stopped."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from eventsourcing.persistence import Tracking

from shared.messaging.relay import OutboxRelay, position_name
from tests.plumbing_app import NoteTaker, translator
from tests.unit.shared.test_shared_relay import Producer, notes
from tests.unit.shared.test_shared_relay_ahead import note


@pytest.fixture(params=["popo", "sqlite"])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> NoteTaker:
    if request.param == "popo":
        return NoteTaker(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "s.db")}
    return NoteTaker(env=env)


def kept(app: NoteTaker) -> list[int]:
    return [row.id for row in app.recorder.select_outbox(0, 1000)]


def relay(app: NoteTaker, producer: Producer, **options: object) -> OutboxRelay:
    return OutboxRelay(app, producer, translator("out"), **options)  # type: ignore[arg-type]


async def send_all(relay: OutboxRelay) -> None:
    while await relay.publish_pending():
        pass
    await relay.publish_pending()  # the round that stores the position the last one reached


async def test_rows_below_the_stored_position_go_the_row_at_it_and_unsent_ones_stay(
    app: NoteTaker,
) -> None:
    notes(app, 10)
    first = relay(app, Producer(), batch_size=4)
    await first.publish_pending()
    await first.publish_pending()  # stores 4 (acknowledged) and sends 5..8 (not stored yet)
    assert await first.prune() == 3
    assert kept(app) == list(range(4, 11))
    assert app.recorder.max_outbox_id() == 10


async def test_nothing_goes_before_a_relay_stored_a_position(app: NoteTaker) -> None:
    notes(app, 5)
    assert await relay(app, Producer()).prune() == 0
    assert kept(app) == [1, 2, 3, 4, 5]


async def test_the_lowest_position_of_every_relay_on_the_store_holds_rows_back(
    app: NoteTaker,
) -> None:
    notes(app, 10)
    await send_all(relay(app, Producer()))
    app.recorder.insert_tracking(Tracking(position_name("other-relay"), 6))
    assert await relay(app, Producer()).prune() == 5
    assert kept(app) == [6, 7, 8, 9, 10]


async def test_a_prune_deletes_in_chunks_of_its_limit(app: NoteTaker) -> None:
    notes(app, 12)
    sender = relay(app, Producer(), prune_chunk=5)
    await send_all(sender)
    assert app.recorder.prune_outbox(5) == 5
    assert await sender.prune() == 6  # two more chunks: 5 and 1
    assert kept(app) == [12]


async def test_a_relay_started_after_a_prune_sends_the_rows_after_its_position_once(
    app: NoteTaker,
) -> None:
    notes(app, 6)
    await send_all(relay(app, Producer()))
    await relay(app, Producer()).prune()
    later = Producer()
    for n in range(3):
        note(app, n)
    restarted = relay(app, later)
    await send_all(restarted)
    assert [dict(r["headers"])["notification_id"] for r in later.sent] == [b"7", b"8", b"9"]
    assert restarted.position() == 9 and kept(app) == [6, 7, 8, 9]


async def test_a_running_relay_prunes_what_it_sent(app: NoteTaker) -> None:
    notes(app, 8)
    running = relay(app, Producer(), prune_seconds=0.01, idle_seconds=0.01)
    stopping = asyncio.Event()
    task = asyncio.create_task(running.run(stopping))
    deadline = asyncio.get_running_loop().time() + 10
    while running.pruned < 7:
        assert asyncio.get_running_loop().time() < deadline, "not pruned in time"
        await asyncio.sleep(0.01)
    stopping.set()
    await task
    assert kept(app) == [8]
