"""The loop commits the offsets done at most once a `COMMIT_SECONDS`, and always when a poll comes
back empty, before a rebalance takes the partitions, and when it stops."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka import TopicPartition

from shared import topics
from shared.messaging import loop as loop_module
from shared.messaging.loop import BatchLoop, _Forget
from tests.plumbing_app import NoteTaker
from tests.unit.shared.test_shared_consumer import INMEMORY, consumer
from tests.unit.shared.test_shared_fetch import good

P0, P3 = TopicPartition(topics.INTAKE, 0), TopicPartition(topics.INTAKE, 3)


class Broker:
    """Stands in for aiokafka's consumer: hands out the fetches given, notes the commits."""

    def __init__(self, fetches: list[dict[TopicPartition, list[Any]]], stopping: asyncio.Event):
        self.fetches = fetches
        self.stopping = stopping
        self.commits: list[dict[TopicPartition, int]] = []

    async def getmany(self, timeout_ms: int, max_records: int) -> dict[TopicPartition, list[Any]]:
        if not self.fetches:
            self.stopping.set()
            return {}
        return self.fetches.pop(0)

    async def commit(self, offsets: dict[TopicPartition, Any]) -> None:
        self.commits.append({tp: meta.offset for tp, meta in offsets.items()})

    def seek(self, tp: TopicPartition, offset: int) -> None:
        raise AssertionError("nothing fails here")

    async def stop(self) -> None:
        return None


def loop_with(fetches: list[dict[TopicPartition, list[Any]]]) -> tuple[BatchLoop, Broker, Any]:
    app = NoteTaker(env=INMEMORY)
    handler, _ = consumer(app)
    loop = BatchLoop(handler, [topics.INTAKE], group_id="g", client={}, client_id="c",
                     max_records=10)  # fmt: skip
    stopping = asyncio.Event()
    broker = Broker(fetches, stopping)
    loop.consumer = broker  # type: ignore[assignment]
    return loop, broker, stopping


@pytest.fixture
def fetches() -> list[dict[TopicPartition, list[Any]]]:
    return [
        {P0: [good(0, "satu"), good(1, "dua")]},
        {P3: [good(0, "tiga", 3)]},
        {},  # an empty poll
        {P0: [good(2, "empat")]},
    ]


async def test_fetches_within_the_pace_are_committed_together_at_the_empty_poll_and_the_stop(
    monkeypatch: pytest.MonkeyPatch, fetches: list[dict[TopicPartition, list[Any]]]
) -> None:
    monkeypatch.setattr(loop_module, "COMMIT_SECONDS", 3600.0)
    loop, broker, stopping = loop_with(fetches)
    loop._committed_at = loop_module.time.monotonic()  # just committed: the pace holds them
    await loop.run(stopping)
    assert broker.commits == [{P0: 2, P3: 1}, {P0: 3}]


async def test_without_a_pace_every_fetch_is_committed(
    monkeypatch: pytest.MonkeyPatch, fetches: list[dict[TopicPartition, list[Any]]]
) -> None:
    monkeypatch.setattr(loop_module, "COMMIT_SECONDS", 0.0)
    loop, broker, stopping = loop_with(fetches)
    await loop.run(stopping)
    assert broker.commits == [{P0: 2}, {P3: 1}, {P0: 3}]


async def test_the_offsets_done_are_committed_before_a_rebalance_takes_the_partitions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(loop_module, "COMMIT_SECONDS", 3600.0)
    loop, broker, _ = loop_with([])
    await loop._fetched({P0: [good(0, "satu")]})
    assert broker.commits == []
    await _Forget(loop.handler, "g", loop._commit).on_partitions_revoked({P0})
    assert broker.commits == [{P0: 1}]
