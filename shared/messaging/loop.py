"""One subscription's Kafka consumer: fetch, process each partition's records, commit; no sleep.

`getmany` returns as soon as records arrive (or after `poll_ms` with none), so an empty poll is
never followed by a sleep, and the records go to the idempotent consumer as fetched (no copy). The
positions that matter are in the service's store (`IdempotentConsumer`); the committed offsets
only say where to fetch from after a restart and feed the lag metric. A partition whose records
failed (its store is away) is sought back to its first record, fetched and tried again; nothing
of it is committed. When the group's assignment changes the consumer forgets the positions it
cached, since another replica may have moved them meanwhile.

A fetch the broker has no records for waits there up to `FETCH_WAIT_MS` and is answered as soon
as a record arrives, so the long wait costs no delay; it spares the CPU the fetch round trips of
an idle consumer (each one encodes and decodes every assigned partition: hundreds for tracking's
SKPD action topics), which at aiokafka's default of 500 ms were most of a service's CPU at rest.
For the same reason the consumer's background fetch routine looks around once a second when
nothing wakes it (aiokafka's default: five times a second); records, consumption and a new
assignment wake it at once.

Offsets are committed at most once a second (`COMMIT_SECONDS`), and whenever a poll comes back
empty, before the partitions are given up in a rebalance, and when the loop stops, instead of
after every fetch: a commit is a request to the broker, paid per fetch, and at low rates a fetch
holds one or two records. A crash loses no more than the last second's commits: those records
are fetched again and passed by the positions in the store, as after any crash.

With `read_ahead` the loop goes on reading while a batch is processed
(`shared.messaging.read_ahead`): what arrives meanwhile is the next batch, not the one after it.
It is off by default: it cut intake->SKPD by about a third at 30 reports/s for 25-45 % more CPU
in the services and 30-45 % more in the broker, a bad deal where two cores are the bound.

A fetch brings at most `FETCH_PARTITION_BYTES` of each partition (aiokafka's default: 1 MiB).
A consumer that lags is answered in full every time, and holds what it fetched (the response,
then a copy of each partition's records) until its batches are processed: with 1 MiB that was
tens of megabytes of intake's memory at the bench's 20,000 reports, for records it would not
reach for seconds. A quarter of that still brings hundreds of records per partition, more than
a batch (`max_records`), and four times the largest record a service accepts.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from shared.logging import get_logger
from shared.messaging.consumer import IdempotentConsumer, describe
from shared.messaging.read_ahead import ReadAhead

log = get_logger(__name__)

FETCH_WAIT_MS = 5000
FETCHER_TIMEOUT_MS = 1000
FETCH_PARTITION_BYTES = 256 * 1024
COMMIT_SECONDS = 1.0


class _Forget(ConsumerRebalanceListener):  # type: ignore[misc]
    """On a rebalance the offsets done are committed, the cached positions and the records read
    ahead forgotten, and the new assignment is logged."""

    def __init__(
        self,
        consumer: IdempotentConsumer,
        group_id: str,
        commit: Callable[[], Awaitable[None]] | None = None,
        read_ahead: ReadAhead | None = None,
    ) -> None:
        self._consumer = consumer
        self._group_id = group_id
        self._commit = commit
        self._read_ahead = read_ahead

    async def on_partitions_revoked(self, revoked: Any) -> None:
        if self._commit is not None:
            await self._commit()
        self._forget()

    async def on_partitions_assigned(self, assigned: Any) -> None:
        self._forget()
        held = " ".join(sorted(f"{tp.topic}:{tp.partition}" for tp in assigned))
        log.info("partitions-assigned", group=self._group_id, partitions=held)

    def _forget(self) -> None:
        self._consumer.forget_positions()
        if self._read_ahead is not None:
            self._read_ahead.clear()


class BatchLoop:
    """Feeds one consumer group's records to an idempotent consumer."""

    def __init__(
        self,
        handler: IdempotentConsumer,
        topics: Sequence[str],
        *,
        group_id: str,
        client: dict[str, Any],
        client_id: str,
        max_records: int,
        poll_ms: int = 1000,
        read_ahead: bool = False,
    ) -> None:
        self.handler = handler
        self.topics = list(topics)
        self.group_id = group_id
        self.max_records = max_records
        self.poll_ms = poll_ms
        self.read_ahead = read_ahead
        self._done: dict[TopicPartition, OffsetAndMetadata] = {}  # not committed yet
        self._committed_at = 0.0
        consumer = AIOKafkaConsumer(
            **client,
            group_id=group_id,
            client_id=client_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=FETCH_WAIT_MS,
            max_partition_fetch_bytes=FETCH_PARTITION_BYTES,
            consumer_timeout_ms=FETCHER_TIMEOUT_MS,
        )
        self.reads = ReadAhead(consumer, max_records, poll_ms)

    @property
    def consumer(self) -> AIOKafkaConsumer:
        """The Kafka consumer (the reads' own: tests put a stand-in in its place)."""
        return self.reads.consumer

    @consumer.setter
    def consumer(self, consumer: AIOKafkaConsumer) -> None:
        self.reads.consumer = consumer

    async def start(self) -> None:
        """Join the group (the assignment follows on the first fetch)."""
        listener = _Forget(self.handler, self.group_id, self._commit, self.reads)
        patterns = [t for t in self.topics if t.startswith("^")]
        if patterns:
            names = [t.replace(".", r"\.") for t in self.topics if not t.startswith("^")]
            pattern = "|".join([*(p.strip("^$") for p in patterns), *names])
            self.consumer.subscribe(pattern=f"^({pattern})$", listener=listener)
        else:
            self.consumer.subscribe(self.topics, listener=listener)
        await self.consumer.start()

    async def run(self, stopping: asyncio.Event) -> None:
        """Fetch and process until told to stop; then leave the group."""
        try:
            while not stopping.is_set():
                fetched = await self.reads.next()
                if fetched and not stopping.is_set():
                    if self.read_ahead:
                        self.reads.start()
                    try:
                        await self._fetched(fetched)
                    finally:
                        self.reads.stop()
                if self._done and (
                    not fetched or time.monotonic() - self._committed_at >= COMMIT_SECONDS
                ):
                    await self._commit()
            await self._commit()
        finally:
            await self.reads.close()
            await self.consumer.stop()
            self.handler.close()

    async def _fetched(self, fetched: dict[TopicPartition, list[Any]]) -> None:
        """Process a fetch's partitions; commit those done, fetch the others again."""
        batches = {(tp.topic, tp.partition): records for tp, records in fetched.items() if records}
        failed = await self.handler.handle_fetch(batches)
        for tp, records in fetched.items():
            if not records:
                continue
            error = failed.get((tp.topic, tp.partition))
            if error is None:
                self._done[tp] = OffsetAndMetadata(records[-1].offset + 1, "")
            else:  # the store is away (the consumer waited): fetch them again
                log.warning("partition-batch-retried", topic=tp.topic, error=describe(error))
                self.consumer.seek(tp, records[0].offset)
                self.reads.drop(tp)  # read after the failed ones: fetched again from the seek

    async def _commit(self) -> None:
        """Commit the offsets done since the last commit."""
        offsets, self._done = self._done, {}
        self._committed_at = time.monotonic()
        if not offsets:
            return
        try:
            await self.consumer.commit(offsets)
        except Exception as error:  # a rebalance took a partition: its new owner goes on
            log.info("commit-skipped", error=describe(error))
