"""One fetch, one thread hop: a fetch's partitions go to the store in one worker call (one
transaction: `test_shared_fetch_transaction`), and a partition that fails holds no other back."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest
from eventsourcing.persistence import OperationalError, Tracking

from shared import contracts as c
from shared import topics
from shared.messaging import codec
from shared.messaging.consumer import StoreUnavailable
from tests.plumbing_app import NoteTaker
from tests.unit.shared.test_shared_consumer import (
    INMEMORY,
    NOW,
    consumer,
    dead_letters,
    noted,
    record,
)

P0, P3 = (topics.INTAKE, 0), (topics.INTAKE, 3)


def good(offset: int, text: str, partition: int = 0) -> Any:
    """A record whose message id is its own in every partition."""
    message_id = f"{partition}-{offset}"
    message = c.IntakeMessage(occurred_at=NOW, channel="web", message_id=message_id, text=text)
    return record(offset, codec.encode(message), partition)


class Hops:
    """Counts the calls that leave the event loop by `asyncio.to_thread` (the consumer's own
    worker thread counts its calls itself)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = asyncio.to_thread

        async def counted(func: Any, /, *args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return await real(func, *args, **kwargs)

        monkeypatch.setattr(asyncio, "to_thread", counted)


class AwayFor:
    """The application behind a store that does not answer for one partition's position."""

    def __init__(self, app: NoteTaker, partition: int) -> None:
        self.app = app
        self.away = f"{topics.INTAKE}:{partition}"

    def position(self, tracking_name: str) -> int | None:
        if tracking_name == self.away:
            raise OperationalError("connection refused")
        return self.app.position(tracking_name)

    def process_batch(self, messages: Sequence[Any], tracking: Tracking, **kw: Any) -> Any:
        return self.app.process_batch(messages, tracking, **kw)


async def test_a_fetch_of_several_partitions_costs_one_thread_hop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = NoteTaker(env=INMEMORY)
    handler, _ = consumer(app)
    hops = Hops(monkeypatch)
    await handler.handle([good(0, "a"), good(0, "b", partition=3), good(0, "c", partition=5)])
    await handler.handle([good(1, "d"), good(1, "e", partition=3), good(1, "f", partition=5)])
    assert handler.worker.calls == 2  # positions read in the same call as the first batches
    assert hops.count == 0  # and nothing else left the event loop
    assert sorted(noted(app)) == ["a", "b", "c", "d", "e", "f"]
    assert [app.position(f"{topics.INTAKE}:{p}") for p in (0, 3, 5)] == [2, 2, 2]


async def test_a_failing_record_in_one_partition_holds_no_other_back() -> None:
    app = NoteTaker(env=INMEMORY)
    handler, _ = consumer(app, attempts=2)
    await handler.handle([good(0, "bug di sini"), good(1, "sesudah"), good(0, "lain", 3)])
    assert sorted(noted(app)) == ["lain", "sesudah"]
    assert [dict(d.headers)["lapor.dlq.reason"] for d in dead_letters(app)] == [
        b"processing-failed"
    ]
    assert app.tries["lain"] == 1  # its batch was done in the first call, not again
    assert app.position(f"{topics.INTAKE}:0") == 2 and app.position(f"{topics.INTAKE}:3") == 1


async def test_a_partition_whose_store_is_away_is_returned_to_fetch_again_the_others_done() -> None:
    app = NoteTaker(env=INMEMORY)
    handler, sleeps = consumer(AwayFor(app, partition=0))
    failed = await handler.handle_fetch({P0: [good(0, "satu")], P3: [good(0, "dua", 3)]})
    assert list(failed) == [P0] and isinstance(failed[P0], StoreUnavailable)
    assert noted(app) == ["dua"] and dead_letters(app) == []
    assert len(sleeps.waits) == 1  # it waited for the store once, before giving the batch back
    assert app.position(f"{topics.INTAKE}:3") == 1 and app.position(f"{topics.INTAKE}:0") is None


async def test_a_fetch_delivered_again_changes_nothing_in_any_partition() -> None:
    app = NoteTaker(env=INMEMORY)
    handler, _ = consumer(app)
    fetch = {P0: [good(0, "satu"), good(1, "dua")], P3: [good(0, "tiga", 3)]}
    assert await handler.handle_fetch(fetch) == {}
    other, _ = consumer(app)  # a fresh consumer (a restart): positions read from the store
    assert await other.handle_fetch(fetch) == {}
    assert sorted(noted(app)) == ["dua", "satu", "tiga"]
    assert app.tries == {"satu": 1, "dua": 1, "tiga": 1}
