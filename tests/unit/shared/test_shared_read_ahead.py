"""While a batch is processed the loop reads on: what arrives meanwhile is the next batch, and what
it read of a partition sought back or reassigned is dropped (fetched again from the broker)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from aiokafka import TopicPartition

from shared import topics
from shared.messaging.consumer import StoreUnavailable
from shared.messaging.loop import BatchLoop, _Forget

P0, P3 = TopicPartition(topics.INTAKE, 0), TopicPartition(topics.INTAKE, 3)


def rec(tp: TopicPartition, offset: int) -> Any:
    """A fetched record as the loop sees it (only its partition and offset matter here)."""
    return type("Record", (), {"offset": offset, "partition": tp.partition})()


class Broker:
    """Stands in for aiokafka's consumer: each fetch arrives when asked; then nothing arrives."""

    def __init__(self, fetches: list[dict[TopicPartition, list[Any]]]) -> None:
        self.fetches = fetches
        self.seeks: list[tuple[TopicPartition, int]] = []
        self.exhausted = asyncio.Event()

    async def getmany(self, timeout_ms: int, max_records: int) -> dict[TopicPartition, list[Any]]:
        if self.fetches and timeout_ms > 0:  # nothing is held in the client's buffer here
            return self.fetches.pop(0)
        if not self.fetches:
            self.exhausted.set()
        await asyncio.sleep(timeout_ms / 1000)
        return {}

    async def commit(self, offsets: dict[TopicPartition, Any]) -> None:
        return None

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.seeks.append((tp, offset))

    async def stop(self) -> None:
        return None


class Holding:
    """The handler: holds its first batch until every fetch arrived, failing the partitions
    named; notes the offsets of each batch it is handed."""

    def __init__(self, broker: Broker, failing: frozenset[int]) -> None:
        self.broker = broker
        self.failing = failing
        self.calls: list[dict[tuple[str, int], list[int]]] = []

    async def handle_fetch(self, batches: dict[tuple[str, int], list[Any]]) -> dict[Any, Any]:
        self.calls.append({tp: [r.offset for r in records] for tp, records in batches.items()})
        if len(self.calls) == 1:
            with contextlib.suppress(TimeoutError):  # a loop that does not read on: it fails
                await asyncio.wait_for(self.broker.exhausted.wait(), timeout=10)
            return {tp: StoreUnavailable("away") for tp in batches if tp[1] in self.failing}
        return {}

    def forget_positions(self) -> None:
        return None

    def close(self) -> None:
        return None


def loop_on(broker: Broker, handler: Any, poll_ms: int = 20) -> BatchLoop:
    loop = BatchLoop(handler, [topics.INTAKE], group_id="g", client={}, client_id="c",
                     max_records=10, poll_ms=poll_ms, read_ahead=True)  # fmt: skip
    loop.consumer = broker  # type: ignore[assignment]
    return loop


async def batches_handed(
    fetches: list[dict[TopicPartition, list[Any]]], failing: frozenset[int] = frozenset()
) -> tuple[list[dict[tuple[str, int], list[int]]], Broker]:
    """The offsets of the first two batches the loop hands over."""
    broker = Broker(fetches)
    handler = Holding(broker, failing)
    loop = loop_on(broker, handler)
    stopping = asyncio.Event()
    running = asyncio.create_task(loop.run(stopping))
    while len(handler.calls) < 2 and not running.done():
        await asyncio.sleep(0.01)
    stopping.set()
    await running
    return handler.calls, broker


async def test_records_that_arrive_while_a_batch_is_processed_are_the_next_batch() -> None:
    calls, _ = await batches_handed(
        [{P0: [rec(P0, 0), rec(P0, 1)]}, {P3: [rec(P3, 0)]}, {P0: [rec(P0, 2)]}, {P0: [rec(P0, 3)]}]
    )
    first, second = (
        {(topics.INTAKE, 0): [0, 1]},
        {(topics.INTAKE, 3): [0], (topics.INTAKE, 0): [2, 3]},
    )
    assert calls == [first, second]


async def test_what_was_read_ahead_of_a_partition_sought_back_is_dropped() -> None:
    calls, broker = await batches_handed(
        [{P0: [rec(P0, 0)], P3: [rec(P3, 0)]}, {P0: [rec(P0, 1)], P3: [rec(P3, 1)]}],
        failing=frozenset({0}),
    )
    assert broker.seeks == [(P0, 0)]
    assert calls[1] == {(topics.INTAKE, 3): [1]}  # P0's record 1 comes again after the seek


async def test_a_rebalance_drops_what_was_read_ahead() -> None:
    broker = Broker([])
    loop = loop_on(broker, Holding(broker, frozenset()))
    loop.reads.records, loop.reads.count = {P0: [rec(P0, 4)]}, 1
    await _Forget(loop.handler, "g", None, loop.reads).on_partitions_assigned({P3})
    assert loop.reads.records == {}
    assert loop.reads.count == 0


class Failing(Broker):
    """A broker whose fetches fail after the first."""

    async def getmany(self, timeout_ms: int, max_records: int) -> dict[TopicPartition, list[Any]]:
        if self.fetches:
            return self.fetches.pop(0)
        self.exhausted.set()
        raise ConnectionError("the broker went away")


async def test_a_fetch_failing_while_reading_ahead_stops_the_loop_as_its_own_fetch_would() -> None:
    broker = Failing([{P0: [rec(P0, 0)]}])
    loop = loop_on(broker, Holding(broker, frozenset()))
    with pytest.raises(ConnectionError):
        await loop.run(asyncio.Event())
