"""The relay stores the position a batch reached in the worker call that reads the next rows, and
a write committed right after its read still wakes it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from shared.messaging.relay import OutboxRelay
from tests.plumbing_app import Note, NoteTaker, translator
from tests.unit.shared.test_shared_fetch import Hops
from tests.unit.shared.test_shared_relay import POPO, Producer, notes


async def until(condition: Any, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


def numbers(producer: Producer) -> list[bytes]:
    return [dict(r["headers"])["notification_id"] for r in producer.sent]


def note(app: NoteTaker, n: int) -> None:
    app.save(Note(channel="web", message_id=f"later-{n}", text=f"laporan {n}"))


async def run_until(relay: OutboxRelay, published: int) -> None:
    stopping = asyncio.Event()
    running = asyncio.create_task(relay.run(stopping))
    await until(lambda: relay.published == published)
    stopping.set()
    await running


async def test_each_batch_costs_one_thread_hop_its_position_stored_with_the_next_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, producer = NoteTaker(env=POPO), Producer()
    notes(app, 5)
    relay = OutboxRelay(app, producer, translator("out"), batch_size=2, idle_seconds=3600)
    hops = Hops(monkeypatch)
    await run_until(relay, 5)
    assert numbers(producer) == [b"1", b"2", b"3", b"4", b"5"]
    assert hops.count == 3 + 1  # a read per batch of 2, 2 and 1; the position stored at the stop
    assert OutboxRelay(app, producer, translator("out")).position() == 5


async def test_a_write_committed_just_after_the_relay_read_wakes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, producer = NoteTaker(env=POPO), Producer()
    notes(app, 2)
    relay = OutboxRelay(app, producer, translator("out"), idle_seconds=3600)
    read = app.recorder.select_outbox
    raced: list[int] = []

    def racing(after: int, limit: int) -> Any:
        rows = read(after, limit)
        if not raced:  # another transaction commits right after this read
            raced.append(after)
            note(app, 9)
        return rows

    monkeypatch.setattr(app.recorder, "select_outbox", racing)
    await run_until(relay, 3)  # at once, not after its hour of idling
    assert raced == [0] and numbers(producer) == [b"1", b"2", b"3"]


async def test_publish_pending_sees_rows_written_since_it_last_found_none() -> None:
    app, producer = NoteTaker(env=POPO), Producer()
    notes(app, 2)
    relay = OutboxRelay(app, producer, translator("out"))
    while await relay.publish_pending():
        pass
    note(app, 7)
    assert await relay.publish_pending() == 1
    assert numbers(producer) == [b"1", b"2", b"3"]


async def test_a_crash_before_the_next_round_sends_the_last_round_again_and_skips_nothing() -> None:
    app, first, second = NoteTaker(env=POPO), Producer(), Producer()
    notes(app, 3)
    assert await OutboxRelay(app, first, translator("out")).publish_pending() == 3
    # the process dies here: the broker acknowledged rows 1 to 3, their position is not stored
    assert await OutboxRelay(app, second, translator("out")).publish_pending() == 3
    assert first.sent == second.sent
