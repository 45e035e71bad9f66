"""The relay's record batches on a real broker: the default partitioner's partitions, order per
key, every row once, and a broker stopped and started mid-batch loses nothing."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from services.local.infra import InfraError
from shared.messaging.admin import ensure_topics
from shared.messaging.batches import partition_of
from shared.messaging.outbox import OutboxRow
from shared.messaging.relay import OutboxRelay
from tests.infra import LocalKafka
from tests.kafka_helpers import header, read_topic, unique
from tests.plumbing_app import NoteTaker, translator
from tests.required import unavailable

pytestmark = pytest.mark.integration

KEYS = 30


def write_rows(app: NoteTaker, topic: str, first: int, count: int) -> None:
    """Rows as a service writes them: several per report key, one transaction per ten."""
    for start in range(first, first + count, 10):
        rows = [
            OutboxRow(topic, f"web:laporan-{n % KEYS}".encode(), b"isi %d" % n, (("n", b"%d" % n),))
            for n in range(start, min(start + 10, first + count))
        ]
        app.recorder.insert_events([], outbox=rows)


def relay_for(app: NoteTaker, producer: Any, topic: str) -> OutboxRelay:
    return OutboxRelay(app, producer, translator(topic), batch_size=50, idle_seconds=0.2)


async def until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"not in time: {what}"
        await asyncio.sleep(0.05)


def check_partitions_and_order(records: list[Any], partitions: list[int]) -> list[int]:
    """Every record on its key's partition, a key's rows in row order (a re-sent suffix aside);
    returns the row ids in the order read."""
    ids: list[int] = []
    first_seen: dict[bytes, list[int]] = {}
    for record in records:
        row = int(header(record, "notification_id") or 0)
        assert record.partition == partition_of(record.key, partitions)
        seen = first_seen.setdefault(record.key, [])
        if row not in seen:
            seen.append(row)
        ids.append(row)
    assert all(seen == sorted(seen) for seen in first_seen.values())
    assert len(first_seen) == KEYS
    return ids


async def test_batched_rows_land_on_the_default_partitioners_partition_in_order_once(
    kafka: str, store_env: dict[str, str]
) -> None:
    topic = f"lapor.test.{unique()}.batches.v1"
    await ensure_topics(kafka, [topic])
    app = NoteTaker(env=store_env)
    producer = AIOKafkaProducer(bootstrap_servers=kafka, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        relay = relay_for(app, producer, topic)
        write_rows(app, topic, 0, 400)
        while await relay.publish_pending():
            pass
        partitions = sorted(await producer.partitions_for(topic))
    finally:
        await producer.stop()
    records = await read_topic(kafka, topic, until=lambda found: len(found) >= 400, timeout=30)
    ids = check_partitions_and_order(records, partitions)
    assert sorted(ids) == list(range(1, 401))  # every row once
    assert len(partitions) == 6 and len({r.partition for r in records}) == 6


class Counting:
    """The producer, counting the batches handed to it."""

    def __init__(self, producer: AIOKafkaProducer) -> None:
        self.producer = producer
        self.batches = 0

    def create_batch(self) -> Any:
        return self.producer.create_batch()

    async def partitions_for(self, topic: str) -> Any:
        return await self.producer.partitions_for(topic)

    async def send_batch(self, batch: Any, topic: str, *, partition: int) -> Any:
        self.batches += 1
        return await self.producer.send_batch(batch, topic, partition=partition)


@pytest.fixture(scope="module")
def broker() -> Iterator[LocalKafka]:
    """A broker of this module alone: it gets stopped and started again."""
    kafka = LocalKafka(keep_state=True, stop_timeout=10)
    try:
        try:
            kafka.start()
        except Exception as error:
            unavailable("Kafka", error)
        yield kafka
    finally:
        kafka.stop()
        with contextlib.suppress(InfraError):  # kept across the stop: removed here
            shutil.rmtree(kafka.state_dir.parent, ignore_errors=True)


async def test_a_broker_stopped_and_started_mid_batch_loses_no_row(
    broker: LocalKafka, pg_env: dict[str, str]
) -> None:
    """The batches handed over while the broker is away stay in flight (the producer retries
    them) and are acknowledged once it is back; the position moves only then."""
    bootstrap = broker.bootstrap_servers
    topic = f"lapor.test.{unique()}.restart.v1"
    await ensure_topics(bootstrap, [topic])
    app = NoteTaker(env=pg_env)
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5
    )
    await producer.start()
    counting = Counting(producer)
    relay, stopping = relay_for(app, counting, topic), asyncio.Event()
    running = asyncio.create_task(relay.run(stopping))
    try:
        write_rows(app, topic, 0, 300)
        await until(lambda: relay.position() == 300, 60, "the first 300 rows sent")
        await asyncio.to_thread(broker.stop)
        handed = counting.batches
        write_rows(app, topic, 300, 300)
        await until(lambda: counting.batches > handed, 30, "a batch in flight to a stopped broker")
        assert relay.position() < 600
        await asyncio.to_thread(broker.start)
        await until(lambda: relay.position() == 600, 180, "every row acknowledged after the start")
        partitions = sorted(await producer.partitions_for(topic))
    finally:
        stopping.set()
        await running
        await producer.stop()
    assert app.recorder.max_tracking_id(relay.position_name) == 600
    records = await read_topic(bootstrap, topic, until=lambda found: len(found) >= 600, timeout=60)
    ids = check_partitions_and_order(records, partitions)
    assert sorted(set(ids)) == list(range(1, 601))  # nothing lost
    assert sorted(i for i in ids if i <= 300) == list(range(1, 301))  # sent before: once
