"""A lagging consumer on the real broker holds a bounded part of a partition per fetch, and still
gets every record, in order."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest

from shared.messaging.consumer import IdempotentConsumer
from shared.messaging.loop import FETCH_PARTITION_BYTES, BatchLoop
from tests.integration.conftest import Lane
from tests.integration.test_plumbing import wait_for
from tests.kafka_helpers import produce

pytestmark = pytest.mark.integration
RECORD_BYTES = 40_000  # under the largest record a service accepts (64 KiB)
COUNT = 40  # 1.6 MB in one partition: more than aiokafka's default fetch of 1 MiB


class Fetches:
    """Notes each partition batch it is handed (the handler's side of `BatchLoop`)."""

    def __init__(self) -> None:
        self.batches: list[list[Any]] = []

    async def handle_fetch(self, batches: dict[tuple[str, int], list[Any]]) -> dict[Any, Any]:
        self.batches += batches.values()
        return {}

    def forget_positions(self) -> None:
        return None

    def close(self) -> None:
        return None

    def values(self) -> list[bytes]:
        return [record.value for batch in self.batches for record in batch]


async def test_a_lagging_partition_is_fetched_a_bounded_slice_at_a_time(
    kafka: str, lane: Lane
) -> None:
    sent = [bytes([n]) * RECORD_BYTES for n in range(COUNT)]
    await produce(kafka, lane.inbound, [(b"one-partition", value) for value in sent])
    fetches = Fetches()
    handler = cast(IdempotentConsumer, fetches)
    client = {"bootstrap_servers": kafka}
    loop = BatchLoop(handler, [lane.inbound], group_id=lane.inbound, client=client,
                     client_id="bound", max_records=200)  # fmt: skip
    await loop.start()
    stopping = asyncio.Event()
    running = asyncio.create_task(loop.run(stopping))
    try:
        await wait_for(lambda: len(fetches.values()) >= COUNT, timeout=60)
    finally:
        stopping.set()
        await running
    assert fetches.values() == sent  # every record, once, in order
    largest = max(sum(len(r.value) for r in batch) for batch in fetches.batches)
    assert largest <= FETCH_PARTITION_BYTES + RECORD_BYTES  # a record may straddle the bound
    assert len(fetches.batches) >= COUNT * RECORD_BYTES // FETCH_PARTITION_BYTES
