"""The idempotent consumer on a real application (in-memory store): no record stalls a partition."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka.structs import ConsumerRecord
from eventsourcing.persistence import IntegrityError, OperationalError, Tracking

from shared import contracts as c
from shared import topics
from shared.messaging import codec
from shared.messaging.consumer import IdempotentConsumer, RetryPolicy, StoreUnavailable
from shared.messaging.deadletter import DeadLetterRecord, outgoing_dead_letter
from tests.plumbing_app import Note, NoteTaker

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
INMEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def record(offset: int, value: bytes | None, partition: int = 0) -> ConsumerRecord[bytes, bytes]:
    size = len(value or b"")
    return ConsumerRecord(
        topics.INTAKE, partition, offset, 0, 0, b"k", value, None, 1, size, [("h", b"v")]
    )


def good(offset: int, text: str, partition: int = 0) -> ConsumerRecord[bytes, bytes]:
    message = c.IntakeMessage(occurred_at=NOW, channel="web", message_id=str(offset), text=text)
    return record(offset, codec.encode(message), partition)


def nested(depth: int) -> bytes:
    return b'{"event_type": "IntakeMessage", "x": ' + b"[" * depth + b"]" * depth + b"}"


class Sleeps:
    """An injected sleep that records the waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def consumer(app: Any, attempts: int = 3) -> tuple[IdempotentConsumer, Sleeps]:
    sleeps = Sleeps()
    retry = RetryPolicy(attempts=attempts, backoff_seconds=0.1, backoff_max_seconds=0.3)
    handler = IdempotentConsumer(app, service="test", max_bytes=65536, retry=retry, sleep=sleeps)
    return handler, sleeps


def dead_letters(app: NoteTaker) -> list[DeadLetterRecord]:
    """What the relay would send to the dead-letter topic, in log order."""
    found = []
    for notification in app.recorder.select_notifications(0, 10_000):
        dead = outgoing_dead_letter(app.mapper.to_domain_event(notification))
        if dead is not None:
            found.append(dead)
    return found


def noted(app: NoteTaker) -> list[str]:
    texts = []
    for notification in app.recorder.select_notifications(0, 10_000):
        event = app.mapper.to_domain_event(notification)
        if isinstance(event, Note.Noted):
            texts.append(event.text)  # type: ignore[attr-defined]
    return texts


def reasons(app: NoteTaker) -> list[str]:
    return [dict(d.headers)["lapor.dlq.reason"].decode() for d in dead_letters(app)]


@pytest.fixture
def app() -> NoteTaker:
    return NoteTaker(env=INMEMORY)


async def test_records_at_or_below_the_stored_position_are_not_processed_again(
    app: NoteTaker,
) -> None:
    handler, _ = consumer(app)
    await handler.handle([good(0, "satu"), good(1, "dua")])
    await handler.handle([good(0, "satu"), good(1, "dua"), good(2, "tiga")])
    assert noted(app) == ["satu", "dua", "tiga"]
    assert app.position(f"{topics.INTAKE}:0") == 3


async def test_a_malformed_record_is_dead_lettered_with_its_source_and_the_rest_processed(
    app: NoteTaker,
) -> None:
    handler, _ = consumer(app)
    await handler.handle([record(0, b"{oops"), good(1, "air mati")])
    [dead] = dead_letters(app)
    headers = dict(dead.headers)
    assert dead.topic == topics.DEADLETTER and dead.value == b"{oops" and dead.key == b"k"
    assert headers["h"] == b"v"  # the original headers stay
    assert headers["lapor.dlq.reason"] == b"not-json"
    assert headers["lapor.dlq.source.offset"] == b"0"
    assert headers["lapor.dlq.service"] == b"test"
    assert noted(app) == ["air mati"]


async def test_a_json_value_nested_3000_deep_is_dead_lettered_and_the_partition_moves_on(
    app: NoteTaker,
) -> None:
    handler, _ = consumer(app)
    await handler.handle([good(0, "sebelum"), record(1, nested(3000)), good(2, "sesudah")])
    assert noted(app) == ["sebelum", "sesudah"]
    assert reasons(app) == ["too-deep"]
    assert app.position(f"{topics.INTAKE}:0") == 3


async def test_an_unforeseen_error_in_decoding_dead_letters_the_record_at_once(
    app: NoteTaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(topic: str, value: bytes | None, max_bytes: int, *header: Any) -> Any:
        raise ValueError("a decoder bug")

    monkeypatch.setattr(codec, "decode", broken)
    handler, sleeps = consumer(app)
    await handler.handle([record(0, b"{}")])
    assert reasons(app) == ["processing-failed"] and sleeps.waits == []
    assert b"ValueError: a decoder bug" in dict(dead_letters(app)[0].headers)["lapor.dlq.error"]


async def test_a_retried_batch_dead_letters_each_bad_record_only_once(app: NoteTaker) -> None:
    handler, _ = consumer(app)
    batch = [record(0, b"not json"), record(1, nested(3000)), record(2, None), good(3, "ok")]
    for _ in range(3):
        await handler.handle(batch)
    assert reasons(app) == ["not-json", "too-deep", "empty-value"]


async def test_a_rejected_message_is_dead_lettered_with_the_rejection_reason(
    app: NoteTaker,
) -> None:
    handler, sleeps = consumer(app)
    await handler.handle([good(0, "tolak ini"), good(1, "terima ini")])
    assert reasons(app) == ["ditolak"]
    assert noted(app) == ["terima ini"]
    assert sleeps.waits == []  # a refusal is an answer, not a failure: no retries


async def test_a_bug_on_one_record_is_tried_a_bounded_number_of_times_then_dead_lettered(
    app: NoteTaker,
) -> None:
    handler, sleeps = consumer(app, attempts=3)
    await handler.handle([good(0, "sebelum"), good(1, "bug di sini"), good(2, "sesudah")])
    assert noted(app) == ["sebelum", "sesudah"]
    assert reasons(app) == ["processing-failed"]
    assert b"a bug on" in dict(dead_letters(app)[0].headers)["lapor.dlq.error"]
    assert app.tries["bug di sini"] == 1 + 3  # once in the batch, then three tries alone
    assert sleeps.waits == [0.1, 0.2]
    assert app.position(f"{topics.INTAKE}:0") == 3


async def test_a_persistence_error_caused_by_one_record_does_not_stop_the_partition(
    app: NoteTaker,
) -> None:
    handler, _ = consumer(app)
    await handler.handle([good(0, "rusak: teks dengan NUL"), good(1, "sesudah")])
    assert noted(app) == ["sesudah"]
    assert reasons(app) == ["processing-failed"]
    assert b"DataError" in dict(dead_letters(app)[0].headers)["lapor.dlq.error"]


async def test_a_passing_fault_is_retried_and_the_record_processed(app: NoteTaker) -> None:
    handler, _ = consumer(app)
    await handler.handle([good(0, "sekali-gagal lalu berhasil"), good(1, "lain")])
    assert noted(app) == ["sekali-gagal lalu berhasil", "lain"]
    assert dead_letters(app) == []


async def test_backoff_doubles_up_to_its_cap() -> None:
    retry = RetryPolicy(attempts=6, backoff_seconds=0.5, backoff_max_seconds=3.0)
    assert [retry.record_delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


async def test_an_unknown_event_type_is_skipped_and_a_non_string_one_is_dead_lettered(
    app: NoteTaker,
) -> None:
    handler, _ = consumer(app)
    newer = json.dumps({"event_type": "IntakeMessageV9", "x": 1}).encode()
    numeric = json.dumps({"event_type": 7}).encode()
    await handler.handle([record(0, newer), record(1, numeric), good(2, "ok")])
    assert reasons(app) == ["missing-field"]
    assert noted(app) == ["ok"]


class Unreachable:
    """The application behind a store that stops answering while `down` is set."""

    def __init__(self, app: NoteTaker) -> None:
        self.app = app
        self.down = True

    def position(self, tracking_name: str) -> int | None:
        if self.down:
            raise OperationalError("connection refused")
        return self.app.position(tracking_name)

    def process_batch(self, messages: Sequence[Any], tracking: Tracking, **kw: Any) -> Any:
        if self.down:
            raise OperationalError("server closed the connection unexpectedly")
        return self.app.process_batch(messages, tracking, **kw)


async def test_an_unreachable_store_makes_the_consumer_wait_and_dead_letters_nothing(
    app: NoteTaker,
) -> None:
    store = Unreachable(app)
    handler, sleeps = consumer(store)
    batch = [good(0, "satu"), record(1, b"not json")]
    for _ in range(3):
        with pytest.raises(StoreUnavailable):
            await handler.handle(batch)
    assert handler.health.reason and "unreachable" in handler.health.reason
    assert sleeps.waits == [0.1, 0.2, 0.4]  # growing, and never a dead letter meanwhile
    assert dead_letters(app) == []
    store.down = False
    await handler.handle(batch)
    assert handler.health.reason is None
    assert noted(app) == ["satu"] and reasons(app) == ["not-json"]


async def test_a_store_lost_during_a_batch_is_waited_for_not_blamed_on_a_record(
    app: NoteTaker,
) -> None:
    store = Unreachable(app)
    store.down = False
    handler, _ = consumer(store)
    await handler.handle([good(0, "satu")])
    store.down = True
    with pytest.raises(StoreUnavailable):
        await handler.handle([good(1, "dua")])
    store.down = False
    await handler.handle([good(1, "dua")])
    assert noted(app) == ["satu", "dua"] and dead_letters(app) == []


async def test_partitions_are_tracked_separately(app: NoteTaker) -> None:
    handler, _ = consumer(app)
    await handler.handle([good(5, "a"), good(7, "b", partition=3)])
    assert app.position(f"{topics.INTAKE}:0") == 6
    assert app.position(f"{topics.INTAKE}:3") == 8


async def test_a_huge_record_is_dead_lettered_cut_to_what_the_broker_takes_and_says_so() -> None:
    app = NoteTaker(env=INMEMORY)
    handler = IdempotentConsumer(app, service="test", max_bytes=65_536)
    huge = b'{"event_type": "IntakeMessage", "x": "' + b"a" * 900_000 + b'"}'
    await handler.handle([record(0, huge)])
    [dead] = dead_letters(app)
    assert dead.value == huge[: 512 * 1024]
    error = dict(dead.headers)["lapor.dlq.error"]
    assert b"value cut to its first 524288 bytes of 900040)" in error


class Racing:
    """The application while another replica wins the race for its batch `losses` times."""

    def __init__(self, app: NoteTaker, losses: int) -> None:
        self.app = app
        self.losses = losses
        self.batches: list[list[str]] = []

    def position(self, tracking_name: str) -> int | None:
        return self.app.position(tracking_name)

    def process_batch(self, messages: Sequence[Any], tracking: Tracking, **kw: Any) -> Any:
        self.batches.append([m.message.text for m in messages if m.message is not None])
        if self.losses:
            self.losses -= 1
            raise IntegrityError("duplicate key value violates unique constraint")
        return self.app.process_batch(messages, tracking, **kw)


async def test_a_batch_that_loses_a_race_is_run_again_whole_and_nothing_is_dead_lettered(
    app: NoteTaker,
) -> None:
    store = Racing(app, losses=3)
    handler, sleeps = consumer(store)
    await handler.handle([good(0, "satu"), good(1, "dua")])
    assert store.batches == [["satu", "dua"]] * 4  # the whole batch each time, not one by one
    assert noted(app) == ["satu", "dua"] and dead_letters(app) == []
    assert len(sleeps.waits) == 3 and all(0 < w <= 1.0 for w in sleeps.waits)


async def test_a_record_that_keeps_losing_races_is_never_dead_lettered(app: NoteTaker) -> None:
    store = Racing(app, losses=40)  # beyond the batch's tries and any record attempt bound
    handler, _ = consumer(store, attempts=2)
    await handler.handle([good(0, "satu"), good(1, "dua")])
    assert noted(app) == ["satu", "dua"] and dead_letters(app) == []
    assert store.batches[-1] == ["dua"]  # the records alone at the end, each until it won


class Clashing(Racing):
    """The application when one record's write always clashes with a stored aggregate (a bug)."""

    def process_batch(self, messages: Sequence[Any], tracking: Tracking, **kw: Any) -> Any:
        texts = [m.message.text for m in messages if m.message is not None]
        self.batches.append(texts)
        if "bentrok" in texts:
            raise IntegrityError("duplicate key value violates unique constraint")
        return self.app.process_batch(messages, tracking, **kw)


async def test_a_conflict_that_never_clears_is_the_records_fault_and_is_dead_lettered(
    app: NoteTaker,
) -> None:
    store = Clashing(app, losses=0)
    handler, _ = consumer(store, attempts=2)
    await handler.handle([good(0, "sebelum"), good(1, "bentrok"), good(2, "sesudah")])
    assert noted(app) == ["sebelum", "sesudah"]
    assert reasons(app) == ["processing-failed"]
    assert b"IntegrityError" in dict(dead_letters(app)[0].headers)["lapor.dlq.error"]
    assert app.position(f"{topics.INTAKE}:0") == 3


async def test_conflict_backoff_grows_is_capped_and_jittered() -> None:
    retry = RetryPolicy(conflict_backoff_seconds=0.1, conflict_backoff_max_seconds=0.5)
    for n, ceiling in [(1, 0.1), (2, 0.2), (3, 0.4), (4, 0.5), (30, 0.5)]:
        assert ceiling / 2 <= retry.conflict_delay(n) <= ceiling
