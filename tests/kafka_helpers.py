"""Reading and writing real Kafka topics from tests."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.messaging.admin import ensure_topics

Headers = list[tuple[str, bytes]]


async def produce(
    bootstrap: str,
    topic: str,
    records: list[tuple[bytes | None, bytes | None]],
    headers: list[Headers] | None = None,
) -> None:
    """Send (key, value) records in order, with optional headers each, and wait for the broker."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for index, (key, value) in enumerate(records):
            extra = headers[index] if headers else []
            await producer.send_and_wait(topic, value=value, key=key, headers=extra)
    finally:
        await producer.stop()


async def read_topic(
    bootstrap: str,
    topic: str,
    *,
    until: Callable[[list[Any]], bool],
    timeout: float = 30.0,
    where: Callable[[Any], bool] = lambda record: True,
) -> list[Any]:
    """Records of a topic from the start (matching `where`), once `until` holds or time ends."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    found: list[Any] = []
    try:
        cluster = await consumer._client.fetch_all_metadata()
        partitions = cluster.partitions_for_topic(topic) or set()
        if not partitions:
            raise LookupError(f"topic {topic} does not exist")
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(assigned)
        await consumer.seek_to_beginning(*assigned)
        deadline = asyncio.get_running_loop().time() + timeout
        while not until(found) and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=200)
            for records in batches.values():
                found.extend(r for r in records if where(r))
        if not until(found):
            # one more short drain so a caller checking "exactly N" sees late extras too
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found.extend(r for r in records if where(r))
        return found
    finally:
        await consumer.stop()


def header(record: Any, name: str) -> str | None:
    """One header of a record, decoded."""
    for key, value in record.headers or ():
        if key == name:
            return bytes(value).decode()
    return None


async def fresh_topics(bootstrap: str, *names: str) -> None:
    """Create test topics (six partitions, like the project's)."""
    await ensure_topics(bootstrap, list(names))


def unique(prefix: str = "t") -> str:
    """A short unique name part."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"
