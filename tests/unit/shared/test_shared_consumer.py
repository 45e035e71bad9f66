"""The idempotent consumer, with a fake application and producer (the real ones: integration)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from aiokafka.structs import ConsumerRecord
from eventsourcing.persistence import Tracking

from shared import contracts as c
from shared import topics
from shared.messaging import codec
from shared.messaging.consumer import IdempotentConsumer
from shared.messaging.deadletter import DeadLetterPublisher
from shared.processing import Rejection

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


class FakeApplication:
    """Records batches; rejects texts starting 'tolak', crashes on texts starting 'bug'."""

    def __init__(self, done: int = 0) -> None:
        self.positions: dict[str, int] = {}
        self.done = done
        self.processed: list[str] = []

    def position(self, tracking_name: str) -> int | None:
        return self.positions.get(tracking_name, self.done) or None

    def process_batch(self, messages: Sequence[Any], tracking: Tracking) -> list[Any]:
        if any(m.text.startswith("bug") for m in messages):
            raise RuntimeError("a bug")
        rejected = [
            (m, Rejection("ditolak", m.text)) for m in messages if m.text.startswith("tolak")
        ]
        self.processed += [m.text for m in messages if not m.text.startswith("tolak")]
        self.positions[tracking.application_name] = tracking.notification_id
        return rejected


class FakeProducer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, Any]] = []

    async def send(self, topic: str, value: Any = None, key: Any = None, **kw: Any) -> Any:
        self.sent.append((topic, {"value": value, "key": key, **kw}))
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


def record(offset: int, value: bytes, partition: int = 0) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(
        topics.INTAKE, partition, offset, 0, 0, b"k", value, None, 1, len(value), [("h", b"v")]
    )


def good(offset: int, text: str) -> ConsumerRecord[bytes, bytes]:
    message = c.IntakeMessage(occurred_at=NOW, channel="web", message_id=str(offset), text=text)
    return record(offset, codec.encode(message))


def consumer(app: FakeApplication) -> tuple[IdempotentConsumer, FakeProducer]:
    producer = FakeProducer()
    return IdempotentConsumer(app, DeadLetterPublisher(producer, "test"), max_bytes=4096), producer


async def test_records_at_or_below_the_stored_position_are_not_processed_again() -> None:
    app = FakeApplication(done=2)
    handler, _ = consumer(app)
    await handler.handle([good(0, "satu"), good(1, "dua"), good(2, "tiga")])
    assert app.processed == ["tiga"]
    assert app.positions[f"{topics.INTAKE}:0"] == 3


async def test_a_malformed_record_is_dead_lettered_with_its_source_and_the_rest_processed() -> None:
    app = FakeApplication()
    handler, producer = consumer(app)
    await handler.handle([record(0, b"{oops"), good(1, "air mati")])
    [(topic, sent)] = producer.sent
    headers = dict(sent["headers"])
    assert topic == topics.DEADLETTER and sent["value"] == b"{oops" and sent["key"] == b"k"
    assert headers["h"] == b"v"  # the original headers stay
    assert headers["lapor.dlq.reason"] == b"not-json"
    assert headers["lapor.dlq.source.offset"] == b"0"
    assert app.processed == ["air mati"]


async def test_a_rejected_message_is_dead_lettered_with_the_rejection_reason() -> None:
    app = FakeApplication()
    handler, producer = consumer(app)
    await handler.handle([good(0, "tolak ini"), good(1, "terima ini")])
    assert [dict(s["headers"])["lapor.dlq.reason"] for _, s in producer.sent] == [b"ditolak"]
    assert app.processed == ["terima ini"]


async def test_a_bug_in_one_message_does_not_stop_the_others() -> None:
    app = FakeApplication()
    handler, producer = consumer(app)
    await handler.handle([good(0, "sebelum"), good(1, "bug di sini"), good(2, "sesudah")])
    assert app.processed == ["sebelum", "sesudah"]
    assert [dict(s["headers"])["lapor.dlq.reason"] for _, s in producer.sent] == [
        b"processing-failed"
    ]
    assert app.positions[f"{topics.INTAKE}:0"] == 3


async def test_partitions_are_tracked_separately() -> None:
    app = FakeApplication()
    handler, _ = consumer(app)
    await handler.handle(
        [
            good(5, "a"),
            record(
                7,
                codec.encode(
                    c.IntakeMessage(occurred_at=NOW, channel="web", message_id="x", text="b")
                ),
                partition=3,
            ),
        ]
    )
    assert app.positions == {f"{topics.INTAKE}:0": 6, f"{topics.INTAKE}:3": 8}
