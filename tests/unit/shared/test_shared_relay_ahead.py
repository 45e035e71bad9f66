"""The relay stores its position and reads the next rows in one worker call, and a write made
after it found the outbox empty still wakes it."""

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


async def test_each_batch_sent_costs_one_thread_hop_position_and_next_read_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, producer = NoteTaker(env=POPO), Producer()
    notes(app, 5)
    relay = OutboxRelay(app, producer, translator("out"), batch_size=2, idle_seconds=3600)
    hops = Hops(monkeypatch)
    stopping = asyncio.Event()
    running = asyncio.create_task(relay.run(stopping))
    await until(lambda: relay.published == 5)
    stopping.set()
    await running
    assert numbers(producer) == [b"1", b"2", b"3", b"4", b"5"]
    assert hops.count == 1 + 3  # the first read, then one per batch of 2, 2 and 1
    assert OutboxRelay(app, producer, translator("out")).position() == 5


async def test_a_write_committed_just_after_the_relay_read_ahead_nothing_wakes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, producer = NoteTaker(env=POPO), Producer()
    notes(app, 2)
    relay = OutboxRelay(app, producer, translator("out"), idle_seconds=3600)
    read = app.recorder.select_outbox
    raced: list[int] = []

    def racing(after: int, limit: int) -> Any:
        rows = read(after, limit)
        if not rows and not raced:  # another transaction commits right after this read
            raced.append(after)
            notes_from(app, 9)
        return rows

    monkeypatch.setattr(app.recorder, "select_outbox", racing)
    stopping = asyncio.Event()
    running = asyncio.create_task(relay.run(stopping))
    await until(lambda: relay.published == 3)  # at once, not after its hour of idling
    stopping.set()
    await running
    assert raced == [2] and numbers(producer) == [b"1", b"2", b"3"]


def notes_from(app: NoteTaker, n: int) -> None:
    app.save(Note(channel="web", message_id=f"later-{n}", text=f"laporan {n}"))


async def test_publish_pending_sees_rows_written_since_it_last_found_none() -> None:
    app, producer = NoteTaker(env=POPO), Producer()
    notes(app, 2)
    relay = OutboxRelay(app, producer, translator("out"))
    while await relay.publish_pending():
        pass
    notes_from(app, 7)
    assert await relay.publish_pending() == 1
    assert numbers(producer) == [b"1", b"2", b"3"]
