"""On the real broker the loop reads on while a batch is processed: records that arrive meanwhile,
on the very partition being processed, are fetched at once and are the next batch."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest

from shared.messaging.consumer import IdempotentConsumer
from shared.messaging.loop import BatchLoop
from tests.integration.conftest import Lane
from tests.integration.test_plumbing import wait_for
from tests.kafka_helpers import produce

pytestmark = pytest.mark.integration
KEY = b"one-partition"


class Held:
    """The handler: notes each batch's values; holds the first until released."""

    def __init__(self) -> None:
        self.batches: list[list[bytes]] = []
        self.release = asyncio.Event()

    async def handle_fetch(self, batches: dict[tuple[str, int], list[Any]]) -> dict[Any, Any]:
        self.batches.append([r.value for records in batches.values() for r in records])
        if len(self.batches) == 1:
            await self.release.wait()
        return {}

    def forget_positions(self) -> None:
        return None

    def close(self) -> None:
        return None


async def test_records_arriving_on_the_partition_being_processed_are_fetched_before_it_ends(
    kafka: str, lane: Lane
) -> None:
    handler = Held()
    client = {"bootstrap_servers": kafka}
    loop = BatchLoop(cast(IdempotentConsumer, handler), [lane.inbound], group_id=lane.inbound,
                     client=client, client_id="ahead", max_records=200,
                     read_ahead=True)  # fmt: skip
    await loop.start()
    stopping = asyncio.Event()
    running = asyncio.create_task(loop.run(stopping))
    try:
        await produce(kafka, lane.inbound, [(KEY, b"0")])
        await wait_for(lambda: handler.batches, timeout=60)  # the first batch is being processed
        for n in (1, 2, 3):  # each sent once the one before it was read: one fetch each
            await produce(kafka, lane.inbound, [(KEY, str(n).encode())])
            await wait_for(lambda n=n: loop.reads.count >= n)
        handler.release.set()
        await wait_for(lambda: len(handler.batches) >= 2)
    finally:
        handler.release.set()
        stopping.set()
        await running
    assert handler.batches == [[b"0"], [b"1", b"2", b"3"]]
