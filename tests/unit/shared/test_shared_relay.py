"""The outbox relay on in-memory persistence (real broker: tests/integration)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from eventsourcing.persistence import Tracking

from shared import topics
from shared.messaging.deadletter import SourceRecord
from shared.messaging.relay import OutboxRelay
from shared.processing import Delivery, Rejection
from tests.plumbing_app import Note, NoteTaker, translator

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


class Batch:
    """A record batch as aiokafka's builder takes records (full after `room` of them)."""

    def __init__(self, room: int) -> None:
        self.records: list[dict[str, Any]] = []
        self.room = room

    def append(self, *, timestamp: int | None, **record: Any) -> Any:
        if len(self.records) >= self.room:
            return None
        self.records.append(record)
        return object()

    def close(self) -> None:
        self.room = len(self.records)


class Producer:
    """Accepts record batches, or refuses them while `down`; `partitions` per topic."""

    def __init__(self, partitions: int = 1, batch_room: int = 1000) -> None:
        self.sent: list[dict[str, Any]] = []
        self.down = False
        self.partitions = partitions
        self.batch_room = batch_room

    def create_batch(self) -> Batch:
        return Batch(self.batch_room)

    async def partitions_for(self, topic: str) -> set[int]:
        return set(range(self.partitions))

    async def send_batch(self, batch: Batch, topic: str, *, partition: int) -> Any:
        if self.down:
            raise ConnectionError("broker away")
        self.sent.extend({"topic": topic, "partition": partition, **r} for r in batch.records)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


def notes(app: NoteTaker, count: int) -> None:
    for n in range(count):
        app.save(Note(channel="web", message_id=f"m{n}", text=f"laporan {n}"))


async def test_the_relay_publishes_in_log_order_and_remembers_where_it_stopped() -> None:
    app, producer = NoteTaker(env=POPO), Producer()
    notes(app, 5)
    relay = OutboxRelay(app, producer, translator("out"), batch_size=2)
    while await relay.publish_pending():
        pass
    assert [dict(r["headers"])["notification_id"] for r in producer.sent] == [
        b"1",
        b"2",
        b"3",
        b"4",
        b"5",
    ]
    assert OutboxRelay(app, producer, translator("out")).position() == 5


async def test_nothing_is_marked_published_while_the_broker_refuses() -> None:
    app, producer = NoteTaker(env=POPO), Producer()
    notes(app, 2)
    producer.down = True
    relay = OutboxRelay(app, producer, translator("out"))
    with pytest.raises(ConnectionError):
        await relay.publish_pending()
    assert relay.position() == 0


async def test_a_relay_failing_past_its_grace_period_counts_as_stuck_until_it_recovers() -> None:
    app, producer = NoteTaker(env=POPO), Producer()
    notes(app, 1)
    producer.down = True
    relay = OutboxRelay(app, producer, translator("out"), idle_seconds=0.01)
    stopping = asyncio.Event()
    running = asyncio.create_task(relay.run(stopping))
    while relay.failing_since is None:
        await asyncio.sleep(0.01)
    assert relay.stuck(grace_seconds=0)
    producer.down = False
    while relay.position() < 1:
        await asyncio.sleep(0.05)
    assert not relay.stuck(grace_seconds=0)
    stopping.set()
    await running


async def test_a_new_event_wakes_an_idle_relay() -> None:
    app, producer = NoteTaker(env=POPO), Producer()
    relay = OutboxRelay(app, producer, translator("out"), idle_seconds=60)
    stopping = asyncio.Event()
    running = asyncio.create_task(relay.run(stopping))
    await asyncio.sleep(0.05)
    notes(app, 1)
    for _ in range(100):
        if producer.sent:
            break
        await asyncio.sleep(0.01)
    stopping.set()
    await running
    assert len(producer.sent) == 1


async def test_a_dead_letter_re_sent_after_a_crash_is_the_same_record_with_its_headers() -> None:
    app = NoteTaker(env=POPO)
    source = SourceRecord("lapor.intake.v1", 4, 17, b"sms:1", b"\xffbad", (("x-origin", b"\xfe"),))
    failed = Delivery(source, failure=Rejection("not-json", "bad bytes"))
    app.process_batch([failed], Tracking("lapor.intake.v1:4", 18), service="intake")
    first, second = Producer(), Producer()
    await OutboxRelay(app, first, translator("out")).publish_pending()
    # a crash before the position was stored: the next relay starts where that one did
    await OutboxRelay(app, second, translator("out"), name="never-ran").publish_pending()
    [sent], [again] = first.sent, second.sent
    assert sent == again
    headers = dict(sent["headers"])
    assert (sent["topic"], sent["key"], sent["value"]) == (topics.DEADLETTER, b"sms:1", b"\xffbad")
    assert headers["x-origin"] == b"\xfe" and headers["lapor.dlq.service"] == b"intake"
    assert [headers[f"lapor.dlq.source.{k}"] for k in ("topic", "partition", "offset")] == [
        b"lapor.intake.v1",
        b"4",
        b"17",
    ]
