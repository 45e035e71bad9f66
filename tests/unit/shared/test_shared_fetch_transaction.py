"""One fetch, one store transaction: every partition's fresh records and position written
together; a transaction that fails leaves each partition to its own (isolation as before)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from shared import topics
from shared.messaging.consumer import IdempotentConsumer, RetryPolicy, StoreUnavailable
from tests.plumbing_app import NoteTaker
from tests.unit.shared.test_shared_consumer import (
    INMEMORY,
    Sleeps,
    Unreachable,
    dead_letters,
    noted,
    reasons,
)
from tests.unit.shared.test_shared_fetch import good

P0, P3, P5 = ((topics.INTAKE, p) for p in (0, 3, 5))


class Transactions:
    """Counts the application's writes (each one store transaction) and the consumer's."""

    def __init__(self, app: NoteTaker) -> None:
        self.writes = 0
        self.kinds: list[tuple[str, int]] = []
        insert = app.recorder.insert_events

        def counted(*args: Any, **kwargs: Any) -> Any:
            found = insert(*args, **kwargs)  # counted once it committed
            self.writes += 1
            return found

        app.recorder.insert_events = counted

    def observe(self, kind: str, records: int, seconds: float) -> None:
        self.kinds.append((kind, records))


@pytest.fixture(params=["popo", "sqlite"])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[NoteTaker]:
    env = INMEMORY
    if request.param == "sqlite":
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "db")}
    made = NoteTaker(env=env)
    yield made
    made.close()


def consumer(
    app: NoteTaker, counted: Transactions, joint_records: int = 1000
) -> IdempotentConsumer:
    retry = RetryPolicy(attempts=2, backoff_seconds=0.1, backoff_max_seconds=0.3)
    return IdempotentConsumer(
        app, service="test", max_bytes=65536, retry=retry, sleep=Sleeps(),
        observe=counted.observe, joint_records=joint_records,
    )  # fmt: skip


def positions(app: NoteTaker, *partitions: int) -> list[int | None]:
    return [app.position(f"{topics.INTAKE}:{p}") for p in partitions]


async def test_a_fetch_of_several_partitions_is_one_transaction_recording_every_position(
    app: NoteTaker,
) -> None:
    counted = Transactions(app)
    handler = consumer(app, counted)
    fetch = {P0: [good(0, "a"), good(1, "b")], P3: [good(4, "c", 3)], P5: [good(7, "d", 5)]}
    assert await handler.handle_fetch(fetch) == {}
    assert counted.writes == 1 and counted.kinds == [("batch", 4)]
    assert positions(app, 0, 3, 5) == [2, 5, 8]
    assert noted(app) == ["a", "b", "c", "d"]  # partitions in the fetch's order, offsets in order


async def test_a_poison_record_is_dead_lettered_and_the_other_partitions_processed_once(
    app: NoteTaker,
) -> None:
    counted = Transactions(app)
    handler = consumer(app, counted)
    fetch = {P0: [good(0, "satu")], P3: [good(0, "sebelum", 3), good(1, "bug", 3)]}
    fetch[P5] = [good(0, "tiga", 5)]
    assert await handler.handle_fetch(fetch) == {}
    assert sorted(noted(app)) == ["satu", "sebelum", "tiga"]  # each once
    assert reasons(app) == ["processing-failed"]
    assert dict(dead_letters(app)[0].headers)["lapor.dlq.source.offset"] == b"1"
    assert positions(app, 0, 3, 5) == [1, 2, 1]
    assert app.tries["bug"] == 1 + 1 + 2  # together, alone, then isolated: as many tries


async def test_a_partition_another_replica_did_first_holds_the_others_back_no_longer(
    app: NoteTaker,
) -> None:
    counted = Transactions(app)
    handler = consumer(app, counted)
    await handler.handle_fetch({P3: [good(0, "dulu", 3)]})  # it knows partition 3 at 1
    replica = consumer(app, Transactions(app))
    await replica.handle_fetch({P3: [good(1, "direbut", 3)]})  # moved to 2 behind its back
    fetch = {P0: [good(0, "satu")], P3: [good(1, "direbut", 3)]}
    assert await handler.handle_fetch(fetch) == {}
    assert sorted(noted(app)) == ["direbut", "dulu", "satu"] and dead_letters(app) == []
    assert positions(app, 0, 3) == [1, 2]
    await handler.handle_fetch({P0: [good(1, "dua")], P3: [good(2, "lagi", 3)]})
    assert positions(app, 0, 3) == [2, 3]  # the positions it keeps are right again
    assert sorted(noted(app)) == ["direbut", "dua", "dulu", "lagi", "satu"]


async def test_a_fetch_delivered_again_writes_nothing(app: NoteTaker) -> None:
    counted = Transactions(app)
    fetch = {P0: [good(0, "satu"), good(1, "dua")], P3: [good(0, "tiga", 3)]}
    assert await consumer(app, counted).handle_fetch(fetch) == {}
    assert await consumer(app, counted).handle_fetch(fetch) == {}  # a restart: read positions
    assert counted.writes == 1
    assert noted(app) == ["satu", "dua", "tiga"] and positions(app, 0, 3) == [2, 1]


async def test_a_fetch_past_the_joint_limit_is_split_between_whole_partitions(
    app: NoteTaker,
) -> None:
    counted = Transactions(app)
    handler = consumer(app, counted, joint_records=3)
    fetch = {P0: [good(0, "a"), good(1, "b")], P3: [good(0, "c", 3)], P5: [good(0, "d", 5)]}
    fetch[(topics.INTAKE, 1)] = [good(n, f"e{n}", 1) for n in range(4)]
    assert await handler.handle_fetch(fetch) == {}
    assert counted.kinds == [("batch", 3), ("batch", 1), ("batch", 4)]
    assert positions(app, 0, 3, 5, 1) == [2, 1, 1, 4]


class Lost(Unreachable):
    """The application behind a store lost while `down` is set; counts the writes tried."""

    tried = 0

    def process_batch(self, messages: Sequence[Any], tracking: Tracking, **kw: Any) -> Any:
        self.tried += 1
        return super().process_batch(messages, tracking, **kw)


async def test_a_store_lost_under_a_fetch_returns_every_partition_tried_once_together(
    app: NoteTaker,
) -> None:
    store = Lost(app)
    store.down = False
    handler = IdempotentConsumer(store, service="test", max_bytes=65536, sleep=Sleeps())
    await handler.handle_fetch({P0: [good(0, "satu")], P3: [good(0, "dua", 3)]})
    store.down, store.tried = True, 0
    fetch = {P0: [good(1, "tiga")], P3: [good(1, "empat", 3)]}
    failed = await handler.handle_fetch(fetch)
    assert sorted(failed) == [P0, P3] and store.tried == 1  # not again alone: nobody answers
    assert all(isinstance(error, StoreUnavailable) for error in failed.values())
    store.down = False
    assert await handler.handle_fetch(fetch) == {}
    assert noted(app) == ["satu", "dua", "tiga", "empat"] and dead_letters(app) == []
    assert positions(app, 0, 3) == [2, 2]


def test_a_write_whose_other_position_does_not_advance_writes_nothing(app: NoteTaker) -> None:
    app.recorder.insert_events([], tracking=Tracking("b", 5))
    with pytest.raises(IntegrityError):
        app.recorder.insert_events([], tracking=Tracking("a", 1), more_tracking=[Tracking("b", 5)])
    assert app.position("a") is None and app.position("b") == 5
    app.recorder.insert_events([], tracking=Tracking("a", 1), more_tracking=[Tracking("b", 6)])
    assert app.position("a") == 1 and app.position("b") == 6
