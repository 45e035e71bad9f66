"""Reading on while a batch is processed: what arrives meanwhile is the loop's next batch.

With `BatchLoop(read_ahead=True)` (a `Subscription`'s `read_ahead`, off by default), while a batch
is processed the loop goes on reading: what arrives meanwhile is taken out of aiokafka's buffer at
once and handed over as the next batch. aiokafka fetches a partition again only once its buffered
records are consumed (and nothing at all for 100 ms after a response, unless they are): without
reading ahead a record that arrived during a batch on a partition whose earlier record was already
buffered stayed on the broker until the batch was done and waited for the batch after next, a whole
processing time more. Each read lets aiokafka send one more fetch, and a fetch cycle costs CPU in
the client and the broker: the reads pause `READ_AHEAD_PACE_SECONDS` between them (records gather
meanwhile, fewer fetches), and the batch's end takes, without waiting, what aiokafka holds by then.
`python -m bench.loop_latency` measures both sides: at 60 records/s and 50 ms batches a record
waited 85-102 ms (p50) for its batch without reading ahead, 66-68 ms with a pace of 20 ms and 46-50
ms with none, for 20-35 % more CPU in the loop's process (producer included); at 200/s, 88-96 ms,
64 (pace 20: +34 % CPU, the broker's unchanged) and 42 (no pace: +55 %, the broker +22 %). It reads
for at most `READ_AHEAD_SECONDS` of one batch and up to `max_records`, so a batch stuck in its
store still stops the polls (the group's poll interval then notices), and what it read is dropped
when the batch's partition is sought back, the assignment changes or the loop stops (the store's
positions keep exactly-once: those records are fetched again). In the four services (`python -m
bench.hop_latency --reports 600 --rate 30`, old and new alternated, load average 9-13 from other
work) it cut intake->SKPD p50 from 746-800 to 446-520 ms and p99 from 1.3-2.0 to 0.9-1.2 s, for
25-45 % more CPU in the services and 30-45 % more in the broker: where two cores bound the rate
that is a bad deal, so no subscription turns it on yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.logging import get_logger
from shared.messaging.consumer import describe

log = get_logger(__name__)

READ_AHEAD_SECONDS = 10.0
READ_AHEAD_PACE_SECONDS = 0.02

Fetched = dict[TopicPartition, list[Any]]


class ReadAhead:
    """The loop's reads: while a batch is processed, what arrives is read into `records`, in
    fetch order, and is the next batch. At most one `getmany` runs at a time."""

    def __init__(self, consumer: AIOKafkaConsumer, max_records: int, poll_ms: int) -> None:
        self.consumer = consumer
        self.max_records = max_records
        self.poll_ms = poll_ms
        self.records: Fetched = {}
        self.count = 0
        self._until = 0.0  # no read waits after this (monotonic): set while a batch runs
        self._batch_done = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def next(self) -> Fetched:
        """What was read ahead, else the next fetch (empty after `poll_ms` without records)."""
        task = self._task
        if task is not None and (task.done() or not self.records):
            await asyncio.wait([task])  # its fetch returns within `poll_ms`
            self._task = None
            task.result()  # the fetch's error, raised here as the loop's own fetch raised it
            return self._take()
        if self.records:
            return self._take()
        fetched: Fetched = await self.consumer.getmany(
            timeout_ms=self.poll_ms, max_records=self.max_records
        )
        return fetched

    def start(self) -> None:
        """A batch is being processed: read what arrives meanwhile."""
        self._until = time.monotonic() + READ_AHEAD_SECONDS
        self._batch_done.clear()
        task = self._task
        if task is None or (task.done() and task.exception() is None):  # an error waits for next
            self._task = asyncio.create_task(self._read())

    @property
    def busy(self) -> bool:
        """Whether a batch is being processed (reads go on meanwhile)."""
        return self._until > 0

    def stop(self) -> None:
        """The batch is done: no further read waits (one under way ends with its fetch)."""
        self._until = 0.0
        self._batch_done.set()

    def drop(self, tp: TopicPartition) -> None:
        """Forget what was read of a partition (sought back, or no longer assigned)."""
        self.count -= len(self.records.pop(tp, ()))

    def clear(self) -> None:
        """Forget everything read ahead (the assignment changes)."""
        self.records, self.count = {}, 0

    async def close(self) -> None:
        """Stop reading (the loop stops: what was read is fetched again after a restart)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.wait([task])
            error = None if task.cancelled() else task.exception()
            if error is not None:  # the loop is stopping anyway: say why the read ended
                log.info("read-ahead-failed", error=describe(error))
        self.clear()

    async def _read(self) -> None:
        while self.count < self.max_records:
            room = self.max_records - self.count
            if time.monotonic() >= self._until:  # the batch is done: what aiokafka holds, no wait
                self._add(await self.consumer.getmany(timeout_ms=0, max_records=room))
                return
            self._add(await self.consumer.getmany(timeout_ms=self.poll_ms, max_records=room))
            with contextlib.suppress(TimeoutError):  # records gather meanwhile: fewer fetches
                await asyncio.wait_for(self._batch_done.wait(), READ_AHEAD_PACE_SECONDS)

    def _add(self, fetched: Fetched) -> None:
        for tp, records in fetched.items():  # kept as fetched; a second read extends them
            if records:
                self.records.setdefault(tp, []).extend(records)
                self.count += len(records)

    def _take(self) -> Fetched:
        taken, self.records, self.count = self.records, {}, 0
        return taken
