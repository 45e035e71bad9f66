"""The outbox on both stores and a real broker: one transaction, a crash, a store of main's."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.system import ProcessApplication

from shared.contracts import IntakeMessage
from shared.messaging.relay import OutboxRelay
from tests.integration.conftest import Lane
from tests.kafka_helpers import header, read_topic
from tests.plumbing_app import Note, NoteTaker, translator

pytestmark = pytest.mark.integration


class MainNoteTaker(ProcessApplication[Any]):
    """The note taker as today's main stores it: eventsourcing's own recorder, no outbox."""

    name = "NoteTaker"


def written_the_old_way(store_env: dict[str, str], notes: int, relayed: int) -> None:
    """Events as main records them, and main's relay position in the notification log."""
    env = {k: v for k, v in store_env.items() if k != "PROCESS_RECORDER_TOPIC"}
    old = MainNoteTaker(env=env)
    for n in range(notes):
        old.save(Note(channel="web", message_id=f"m{n}", text=f"laporan {n}"))
    old.recorder.insert_tracking(Tracking("outbox-relay", relayed))
    old.close()


def intake(message_id: str) -> IntakeMessage:
    return IntakeMessage(
        occurred_at=datetime.now(UTC), channel="sms", message_id=message_id, text="air mati"
    )


async def relay_all(kafka: str, app: NoteTaker, topic: str) -> int:
    producer = AIOKafkaProducer(bootstrap_servers=kafka, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        relay, sent = OutboxRelay(app, producer, translator(topic), batch_size=7), 0
        while count := await relay.publish_pending():
            sent += count
        return sent
    finally:
        await producer.stop()


async def test_a_store_written_by_main_publishes_what_its_old_relay_had_not_sent_once(
    kafka: str, lane: Lane, store_env: dict[str, str]
) -> None:
    written_the_old_way(store_env, notes=12, relayed=5)
    first, second = NoteTaker(env=store_env), NoteTaker(env=store_env)  # two replicas start
    assert await relay_all(kafka, first, lane.outbound) == 7
    first.save(Note(channel="web", message_id="m12", text="laporan 12"))
    assert await relay_all(kafka, second, lane.outbound) == 1  # nothing moved twice
    records = await read_topic(kafka, lane.outbound, until=lambda found: len(found) >= 9, timeout=8)
    assert [r.key for r in records].count(b"web:m12") == 1
    assert sorted(int(header(r, "notification_id") or 0) for r in records) == list(range(1, 9))
    assert len(records) == 8


async def test_rows_outlive_a_crash_between_the_write_and_the_send_and_keep_their_event_ids(
    kafka: str, lane: Lane, store_env: dict[str, str]
) -> None:
    writer = NoteTaker(env=store_env)
    OutboxRelay(writer, None, translator(lane.outbound))  # type: ignore[arg-type]  # installed
    for n in range(3):
        writer.save(Note(channel="web", message_id=f"c{n}", text=f"laporan {n}"))
    writer.process_batch([intake("c3")], Tracking("in:0", 1))
    with pytest.raises(IntegrityError):  # a write that fails records neither events nor rows
        writer.process_batch([intake("c4")], Tracking("in:0", 1))
    writer.close()  # the process died before its relay sent anything
    assert await relay_all(kafka, NoteTaker(env=store_env), lane.outbound) == 4
    # waits for a fifth record that must not come: a row written twice would be sent twice
    records = await read_topic(kafka, lane.outbound, until=lambda found: len(found) >= 5, timeout=8)
    assert sorted(r.key for r in records) == [b"sms:c3", b"web:c0", b"web:c1", b"web:c2"]
    assert len({header(r, "event_id") for r in records}) == 4
