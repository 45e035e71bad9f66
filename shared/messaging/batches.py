"""The relay's sends: a round's outbox rows as one record batch per partition, one future each.

`AIOKafkaProducer.send` costs a coroutine, a size estimate, a partitioner call (murmur2 in pure
Python), an accumulator append and a future per record. Here a round's rows are appended to one
`create_batch()` builder per topic-partition (a second one when it is full) and each builder is
handed over with `send_batch`: the same records (key, value, headers; the timestamp is set on
append as `send` sets it), on the same partitions, in the same order per partition. The
partition is the default partitioner's (`aiokafka.partitioner.DefaultPartitioner`): murmur2 of
the key over the topic's partitions, sorted; a record without a key goes to a random one. The
producer's own settings (idempotence, acks, retries, request size) apply to these batches as to
`send`'s: its sender drains them, one request in flight per partition, and sets their sequence
numbers.
"""

from __future__ import annotations

import asyncio
import functools
import random
from collections.abc import Sequence
from typing import Any, Protocol

from aiokafka.partitioner import murmur2

from shared.messaging.outbox import OutboxRow

__all__ = ["BatchProducer", "partition_of", "send_rows"]


class BatchProducer(Protocol):
    """The part of aiokafka's producer the relay needs."""

    def create_batch(self) -> Any: ...

    async def send_batch(self, batch: Any, topic: str, *, partition: int) -> Any: ...

    async def partitions_for(self, topic: str) -> Any: ...


@functools.lru_cache(maxsize=8192)
def _positive_hash(key: bytes) -> int:
    return murmur2(key) & 0x7FFFFFFF


def partition_of(key: bytes | None, partitions: Sequence[int]) -> int:
    """The default partitioner's choice among `partitions` (sorted by id)."""
    if key is None:
        return random.choice(partitions)
    return partitions[_positive_hash(key) % len(partitions)]


async def send_rows(producer: BatchProducer, rows: Sequence[OutboxRow]) -> None:
    """Send the rows, one batch per partition (in row order), and wait for every acknowledgement.

    A builder that is full is handed over at once and a new one started for the partition;
    the producer queues a partition's batches in the order they come.
    """
    partitions: dict[str, list[int]] = {}
    open_batches: dict[tuple[str, int], Any] = {}
    acknowledged: list[Any] = []
    for row in rows:
        ids = partitions.get(row.topic)
        if ids is None:
            ids = partitions[row.topic] = sorted(await producer.partitions_for(row.topic))
        where = (row.topic, partition_of(row.key, ids))
        batch = open_batches.get(where)
        if batch is None:
            batch = open_batches[where] = producer.create_batch()
        headers = row.record_headers()
        if batch.append(key=row.key, value=row.value, timestamp=None, headers=headers) is None:
            acknowledged.append(await _hand_over(producer, batch, where))
            batch = open_batches[where] = producer.create_batch()
            if batch.append(key=row.key, value=row.value, timestamp=None, headers=headers) is None:
                # an empty builder takes any first record; never drop a row without a word
                raise RuntimeError(f"outbox row {row.id} does not fit an empty record batch")
    for where, batch in open_batches.items():
        acknowledged.append(await _hand_over(producer, batch, where))
    await asyncio.gather(*acknowledged)


async def _hand_over(producer: BatchProducer, batch: Any, where: tuple[str, int]) -> Any:
    batch.close()  # complete: sent without lingering, and no other send joins it
    return await producer.send_batch(batch, where[0], partition=where[1])
